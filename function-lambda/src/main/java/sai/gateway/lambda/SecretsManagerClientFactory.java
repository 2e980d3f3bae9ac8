package sai.gateway.lambda;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import java.time.Duration;

/**
 * The Secrets Manager client, built for a fast cold start: the JDK's URL connection instead of the
 * Apache or Netty clients, and credentials and region read from the variables Lambda sets instead of the
 * SDK's default chains (which probe profile files and instance metadata). Throttling and transient
 * failures are retried by the SDK with exponential backoff and jitter.
 */
@Factory
@Requires(property = AwsSecretConfiguration.SECRET_ID, pattern = AwsSecretConfiguration.PRESENT)
class SecretsManagerClientFactory {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    @Singleton
    @Bean(preDestroy = "close")
    SecretsManagerClient secretsManagerClient(AwsSecretConfiguration config, @Nullable AwsCredentialsProvider credentials) {
        return build(config, credentials != null ? credentials : defaultCredentials());
    }

    /** What Lambda sets (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), or the aws.* system properties. */
    static AwsCredentialsProvider defaultCredentials() {
        return AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(), SystemPropertyCredentialsProvider.create());
    }

    static SecretsManagerClient build(AwsSecretConfiguration config, AwsCredentialsProvider credentials) {
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(config.retryDelay(), MAX_BACKOFF);
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .region(region(config))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(o -> o
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .apiCallTimeout(Duration.ofSeconds(15))
                        .retryStrategy(r -> r.maxAttempts(config.maxAttempts())
                                .backoffStrategy(backoff)
                                .throttlingBackoffStrategy(backoff)));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    private static Region region(AwsSecretConfiguration config) {
        String region = config.region() != null && !config.region().isBlank() ? config.region() : System.getenv("AWS_REGION");
        if (region == null || region.isBlank()) {
            throw new ConfigurationException("SAI_SECRET_ID is set but AWS_REGION is not: Lambda sets it; elsewhere set AWS_REGION "
                    + "to the secret's region");
        }
        return Region.of(region.strip());
    }
}
