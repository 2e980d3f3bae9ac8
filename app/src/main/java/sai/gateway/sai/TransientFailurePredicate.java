package sai.gateway.sai;

import io.micronaut.retry.annotation.RetryPredicate;
import sai.gateway.error.UpstreamException;

/** Only "SAI unavailable" is worth another attempt; a 4xx or a classified 500 would fail the same way again. */
public class TransientFailurePredicate implements RetryPredicate {

    @Override
    public boolean test(Throwable failure) {
        return failure instanceof UpstreamException upstream && upstream.retryable();
    }
}
