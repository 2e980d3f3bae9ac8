package sai.gateway.lambda;

import io.micronaut.context.annotation.BootstrapContextCompatible;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.net.URI;
import java.time.Duration;

/**
 * The AWS Secrets Manager secret that holds {@code SAI_KEY}, {@code SAI_COOKIE} and {@code GATEWAY_API_KEYS}.
 * {@code secret-id} and {@code ttl} come from {@code SAI_SECRET_ID} and {@code SAI_SECRET_TTL} (app's
 * application.yml); the rest are tuning with defaults here. {@code endpoint} points the SDK elsewhere
 * (a VPC endpoint without private DNS, or a test double); {@code region} defaults to Lambda's {@code AWS_REGION}.
 */
@ConfigurationProperties(AwsSecretConfiguration.PREFIX)
@BootstrapContextCompatible // TenancySecretLocator reads the secret in the bootstrap context
public record AwsSecretConfiguration(@Nullable String secretId,
                                     @Nullable Duration ttl,
                                     @Nullable URI endpoint,
                                     @Nullable String region,
                                     @Bindable(defaultValue = "4") int maxAttempts,
                                     @Bindable(defaultValue = "100ms") Duration retryDelay) {

    public static final String PREFIX = "secrets.aws";
    /** The property whose presence switches the Lambda to Secrets Manager. */
    public static final String SECRET_ID = PREFIX + ".secret-id";
    /** Non-blank: {@code ${SAI_SECRET_ID:}} leaves an empty string when the variable is unset. */
    static final String PRESENT = ".*\\S.*";

    public AwsSecretConfiguration {
        secretId = secretId == null ? "" : secretId.strip();
        ttl = ttl == null ? Duration.ofMinutes(5) : ttl;
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigurationException("SAI_SECRET_TTL must be a duration of at least 1s, such as 300s or 5m; got " + ttl);
        }
        if (maxAttempts < 1) {
            throw new ConfigurationException(PREFIX + ".max-attempts must be at least 1");
        }
    }
}
