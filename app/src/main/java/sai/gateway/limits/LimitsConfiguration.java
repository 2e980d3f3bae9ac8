package sai.gateway.limits;

import io.micronaut.context.annotation.ConfigurationProperties;
import sai.gateway.config.Setting;

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
        Setting.RATE_LIMIT_RPM.require(requestsPerMinute);
        Setting.TOKEN_QUOTA_DAILY.require(tokensPerDay);
        redisUrl = redisUrl == null ? "" : redisUrl.trim();
        Setting.REDIS_URL.require(redisUrl);
    }

    public boolean enabled() {
        return requestsPerMinute > 0 || tokensPerDay > 0;
    }

    public boolean shared() {
        return !redisUrl.isEmpty();
    }
}
