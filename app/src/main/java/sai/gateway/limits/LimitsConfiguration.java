package sai.gateway.limits;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;

import java.net.URI;

/**
 * Per-client limits, off unless set: {@code RATE_LIMIT_RPM} requests per minute and {@code TOKEN_QUOTA_DAILY}
 * tokens (prompt + completion, as SAI reports them) per UTC day. In memory, or in Redis when
 * {@code REDIS_URL} is set so that every replica shares them; {@code RATE_LIMIT_FAIL_OPEN} decides what
 * happens while Redis cannot be reached.
 */
@ConfigurationProperties(LimitsConfiguration.PREFIX)
public record LimitsConfiguration(long requestsPerMinute,
                                  long tokensPerDay,
                                  String redisUrl,
                                  boolean failOpen) {

    public static final String PREFIX = "limits";

    public LimitsConfiguration {
        if (requestsPerMinute < 0) {
            throw new ConfigurationException("RATE_LIMIT_RPM must be 0 (off) or a positive number of requests per minute, got " + requestsPerMinute);
        }
        if (tokensPerDay < 0) {
            throw new ConfigurationException("TOKEN_QUOTA_DAILY must be 0 (off) or a positive number of tokens per day, got " + tokensPerDay);
        }
        redisUrl = redisUrl == null ? "" : redisUrl.trim();
        if (!redisUrl.isEmpty()) {
            String scheme;
            try {
                scheme = URI.create(redisUrl).getScheme();
            } catch (IllegalArgumentException e) {
                scheme = null;
            }
            if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
                throw new ConfigurationException("REDIS_URL must be a redis:// or rediss:// URL such as redis://redis:6379");
            }
        }
    }

    public boolean enabled() {
        return requestsPerMinute > 0 || tokensPerDay > 0;
    }

    public boolean shared() {
        return !redisUrl.isEmpty();
    }
}
