package sai.gateway.limits;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import sai.gateway.redis.SharedRedis;

/** One store for every limit: the per-client limits and the virtual keys' share one Redis connection. */
@Factory
class LimitStoreFactory {

    @Singleton
    @Bean(preDestroy = "close")
    LimitStore store(LimitsConfiguration config, SharedRedis redis) {
        return config.shared() ? new RedisLimitStore(redis) : new LocalLimitStore();
    }
}
