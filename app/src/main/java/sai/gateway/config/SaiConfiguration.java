package sai.gateway.config;

import sai.gateway.StartupConfigurationCheck;

import io.micronaut.context.annotation.ConfigurationProperties;

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
                               int requestTimeoutSeconds,
                               int connectTimeoutSeconds,
                               int maxRetries,
                               Duration retryDelay,
                               int maxContextTokens) {

    public static final String PREFIX = "sai";

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
        Setting.REQUEST_TIMEOUT.require(requestTimeoutSeconds);
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
