package sai.gateway.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.ui.UiConfiguration;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sign-in attempts per client address and minute, so the admin key cannot be guessed through the dashboard. The
 * buckets live in the same store as every other limit: Redis when {@code REDIS_URL} is set, so replicas share them.
 * Every attempt counts, right or wrong: an operator signs in a few times a day, a guesser thousands of times a minute.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
public class SignInAttempts {

    private static final long STORE_WAIT_SECONDS = 2;

    private final BeanProvider<LimitStore> stores;
    private final StoreOutage outage;
    private final BucketConfiguration perMinute;

    SignInAttempts(BeanProvider<LimitStore> stores, StoreOutage outage, UiConfiguration configuration) {
        this.stores = stores;
        this.outage = outage;
        long attempts = configuration.signInAttemptsPerMinute();
        this.perMinute = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(attempts).refillGreedy(attempts, Duration.ofMinutes(1))).build();
    }

    /** Takes one attempt for the client; answers 0 when it may try, else the seconds until it may try again. */
    public long take(String client) {
        try {
            ConsumptionProbe probe = stores.get().takeRequest("signin:" + client, perMinute).get(STORE_WAIT_SECONDS, TimeUnit.SECONDS);
            outage.answered();
            return probe.isConsumed() ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return STORE_WAIT_SECONDS;
        } catch (ExecutionException | TimeoutException e) {
            // Redis is down: LIMITS_FAIL_OPEN decides here as for every other limit.
            return outage.failed(e) ? 0 : STORE_WAIT_SECONDS;
        }
    }
}
