package sai.gateway.sai;

import sai.gateway.error.UpstreamException;

import java.util.function.Predicate;

/** Only "SAI unavailable" is worth another attempt; a 4xx or a classified 500 would fail the same way again. */
final class TransientFailurePredicate implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return failure instanceof UpstreamException upstream && upstream.retryable();
    }
}
