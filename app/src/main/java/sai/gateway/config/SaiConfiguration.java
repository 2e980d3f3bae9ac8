package sai.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where SAI is and how the gateway talks to it. Bound from {@code SAI_URL}, {@code SAI_TEMPLATE_ID},
 * {@code SAI_MODELS}, {@code REQUEST_TIMEOUT}, {@code MAX_RETRIES}, ... (see application.yml).
 * Validation messages name the environment variable, because that is what operators set.
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
        if (url.isEmpty()) {
            throw new ConfigurationException("SAI_URL is required: set it to SAI's base URL (for example https://sai.example.com)");
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigurationException("SAI_URL must start with http:// or https://");
        }
        try {
            URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("SAI_URL is not a valid URL");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        templateId = templateId == null ? "" : templateId.trim();
        if (templateId.isEmpty()) {
            throw new ConfigurationException("SAI_TEMPLATE_ID is required: set it to the id of the SAI template to execute");
        }
        models = models == null ? List.of() : models.stream().map(String::trim).filter(m -> !m.isEmpty()).distinct().toList();
        if (models.isEmpty()) {
            throw new ConfigurationException("SAI_MODELS must list at least one model id (comma-separated); the first is the template's default");
        }
        requirePositive(requestTimeoutSeconds, "REQUEST_TIMEOUT");
        requirePositive(connectTimeoutSeconds, "SAI_CONNECT_TIMEOUT");
        requirePositive(maxContextTokens, "SAI_MAX_CONTEXT_TOKENS");
        if (maxRetries < 0 || maxRetries > 10) {
            throw new ConfigurationException("MAX_RETRIES must be between 0 and 10, got " + maxRetries);
        }
        if (retryDelay == null || retryDelay.isNegative()) {
            throw new ConfigurationException("SAI_RETRY_DELAY must be a positive duration such as 500ms");
        }
    }

    private static void requirePositive(int value, String variable) {
        if (value <= 0) {
            throw new ConfigurationException(variable + " must be a positive whole number, got " + value);
        }
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
