package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;

/**
 * One budget as a page shows it: the tokens used in its period against the limit (0: none set, only the use is
 * shown), and when the period ends. {@code model} null: the budget over every model.
 */
record BudgetMeter(boolean monthly, @Nullable String model, long used, long limit, String resetsAt) {

    public boolean limited() {
        return limit > 0;
    }

    /** A meter's value cannot pass its maximum: an overdrawn budget shows full (the figures say by how much). */
    public long meterValue() {
        return Math.min(used, limit);
    }

    /** Where the meter turns to a warning: four fifths of the budget. */
    public long high() {
        return limit - limit / 5;
    }

    public boolean exhausted() {
        return limit > 0 && used >= limit;
    }
}
