package sai.gateway.tenancy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** A token budget for one model (prompt + completion, as SAI reports them); 0: none for that period. */
@Serdeable
public record ModelBudget(@JsonProperty("tokens_per_day") long tokensPerDay, @JsonProperty("tokens_per_month") long tokensPerMonth) {

    public ModelBudget {
        if (tokensPerDay < 0 || tokensPerMonth < 0) {
            throw new IllegalArgumentException("budgets are 0 (none) or positive");
        }
    }
}
