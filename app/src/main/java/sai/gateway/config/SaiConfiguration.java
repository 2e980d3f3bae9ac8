package sai.gateway.config;

import sai.gateway.StartupConfigurationCheck;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.List;

/**
 * Where SAI is and how the gateway talks to it. Bound from {@code SAI_URL}, {@code SAI_TEMPLATE_ID},
 * {@code SAI_MODELS}, {@code REQUEST_TIMEOUT}, {@code MAX_RETRIES}, ... (see application.yml).
 * The values are checked by {@link Setting}'s rules (all of them at startup, by {@link StartupConfigurationCheck}),
 * whose messages name the environment variable, because that is what operators set.
 */
@ConfigurationProperties(SaiConfiguration.PREFIX)
public record SaiConfiguration(String url,
                               String templateId,
                               List<String> models,
                               @Nullable Integer requestTimeoutSeconds,
                               @Nullable Integer functionTimeoutSeconds,
                               int connectTimeoutSeconds,
                               int maxRetries,
                               Duration retryDelay,
                               int maxContextTokens) {

    public static final String PREFIX = "sai";
    /** On Lambda, the time left after the SAI exchange's timeout to answer with a 504 and write the usage record. */
    public static final int FUNCTION_MARGIN_SECONDS = 10;

    public SaiConfiguration {
        url = url == null ? "" : url.trim();
        Setting.SAI_URL.require(url);
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        templateId = templateId == null ? "" : templateId.trim();
        Setting.SAI_TEMPLATE_ID.require(templateId);
        models = models == null ? List.of() : models.stream().map(String::trim).filter(m -> !m.isEmpty()).distinct().toList();
        Setting.SAI_MODELS.require(String.join(",", models));
        Setting.FUNCTION_TIMEOUT.require(functionTimeoutSeconds);
        if (requestTimeoutSeconds == null) {
            if (functionTimeoutSeconds == null) {
                throw new ConfigurationException(Setting.PREFIX + "REQUEST_TIMEOUT is required (a whole number of seconds, for example 600)"
                        + " unless FUNCTION_TIMEOUT, the Lambda function's timeout, is set");
            }
            requestTimeoutSeconds = functionTimeoutSeconds - FUNCTION_MARGIN_SECONDS;
        }
        Setting.REQUEST_TIMEOUT.require(requestTimeoutSeconds);
        if (functionTimeoutSeconds != null && requestTimeoutSeconds > functionTimeoutSeconds - FUNCTION_MARGIN_SECONDS) {
            // Lambda would stop the function in the middle of the exchange: no error reaches the client, no usage record is written.
            throw new ConfigurationException(Setting.PREFIX + "REQUEST_TIMEOUT must be at most " + (functionTimeoutSeconds - FUNCTION_MARGIN_SECONDS)
                    + ", " + FUNCTION_MARGIN_SECONDS + " seconds below FUNCTION_TIMEOUT (" + functionTimeoutSeconds
                    + "), so that the gateway answers before Lambda stops the function; unset, it is that (got \"" + requestTimeoutSeconds + "\")");
        }
        Setting.SAI_CONNECT_TIMEOUT.require(connectTimeoutSeconds);
        Setting.SAI_MAX_CONTEXT_TOKENS.require(maxContextTokens);
        Setting.MAX_RETRIES.require(maxRetries);
        Setting.SAI_RETRY_DELAY.require(retryDelay);
    }

    public Duration requestTimeout() {
        return Duration.ofSeconds(requestTimeoutSeconds);
    }

    public Duration connectTimeout() {
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    /** The first listed model is the template's own; requests for it carry no modelOverride. */
    public String defaultModel() {
        return models.get(0);
    }
}
