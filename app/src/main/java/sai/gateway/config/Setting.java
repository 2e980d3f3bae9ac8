package sai.gateway.config;

import sai.gateway.limits.RateCeilings;

import sai.gateway.StartupConfigurationCheck;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import sai.gateway.text.Printable;

import java.time.Duration;
import java.util.List;

import static sai.gateway.config.SettingRule.anyText;
import static sai.gateway.config.SettingRule.bool;
import static sai.gateway.config.SettingRule.duration;
import static sai.gateway.config.SettingRule.httpUrl;
import static sai.gateway.config.SettingRule.nonEmptyList;
import static sai.gateway.config.SettingRule.oneOf;
import static sai.gateway.config.SettingRule.optional;
import static sai.gateway.config.SettingRule.positiveDuration;
import static sai.gateway.config.SettingRule.required;
import static sai.gateway.config.SettingRule.uriWithScheme;
import static sai.gateway.config.SettingRule.wholeNumber;

/**
 * Every environment variable of application.yml that is not a secret, with the property it sets and the
 * rule its value must follow: the one source of those rules. {@link StartupConfigurationCheck} applies
 * them all at startup and reports every problem at once; the configuration records apply the same rule
 * to the value they were bound with ({@link #require}), so both say the same sentence. Secrets are checked
 * where they are read (sai.gateway.secrets), and their values never appear in a message.
 *
 * <p>The declaration order is the report's order: what a new deployment must set comes first.
 */
public enum Setting {

    SAI_URL("sai.url", false,
            required("SAI's base URL", "https://sai.example.com", httpUrl("https://sai.example.com", "/api/templates/<id>/execute"))),
    SAI_TEMPLATE_ID("sai.template-id", true,
            required("the id of the SAI template to execute", "my-template-id", anyText())),
    SAI_MODELS("sai.models", true, nonEmptyList("model id", "sai-model,claude-sonnet-4-5-20250929")),
    // Empty only on Lambda (application-lambda.yml), where SaiConfiguration then takes FUNCTION_TIMEOUT less a margin.
    REQUEST_TIMEOUT("sai.request-timeout-seconds", true, optional(wholeNumber(1, Accepted.MAX_SECONDS, "seconds", "600"))),
    // Lambda only (the SAM template sets it): the function's timeout, Lambda's own range with room for the margin.
    FUNCTION_TIMEOUT("sai.function-timeout-seconds", true, optional(wholeNumber(20, 900, "seconds", "900"))),
    SAI_CONNECT_TIMEOUT("sai.connect-timeout-seconds", true, wholeNumber(1, Accepted.MAX_SECONDS, "seconds", "10")),
    MAX_RETRIES("sai.max-retries", true, wholeNumber(0, 10, "", "3")),
    SAI_RETRY_DELAY("sai.retry-delay", true, duration(Accepted.MAX_DURATION, "500ms")),
    SAI_BREAKER_FAILURES("sai.breaker.failures", true,
            wholeNumber(0, Integer.MAX_VALUE, "requests", "0 turns the circuit breaker off", "5")),
    SAI_BREAKER_OPEN("sai.breaker.open", true, positiveDuration(Accepted.MAX_DURATION, "30s")),
    SAI_MAX_CONTEXT_TOKENS("sai.max-context-tokens", true, wholeNumber(1, Integer.MAX_VALUE, "tokens", "128000")),
    GATEWAY_REQUIRE_API_KEYS("secrets.require-gateway-api-keys", true, bool()),
    SAI_SECRET_TTL("secrets.aws.ttl", true, duration(Accepted.MAX_DURATION, "5m")),
    RATE_LIMIT_RPM("limits.requests-per-minute", true,
            wholeNumber(0, RateCeilings.PER_MINUTE, "requests per minute", "0 turns the limit off", "60")),
    TOKEN_QUOTA_DAILY("limits.tokens-per-day", true, wholeNumber(0, RateCeilings.PER_DAY, "tokens per day", "0 turns the quota off", "200000")),
    // A Redis URL may carry a password: never repeated in the message.
    REDIS_URL("limits.redis-url", false, optional(uriWithScheme("redis://redis:6379", Accepted.REDIS_SCHEMES))),
    RATE_LIMIT_FAIL_OPEN("limits.fail-open", true, bool()),
    // Empty or 0 (with or without a unit): no cache. At most a week: an answer older than that is better asked again.
    CACHE_TTL("cache.ttl", true, optional(value -> value.strip().equals("0") ? null : duration(Duration.ofDays(7), "10m").problem(value))),
    CACHE_MAX_ENTRIES("cache.max-entries", true, wholeNumber(1, 100_000_000, "answers", "10000")),
    CACHE_MAX_BYTES("cache.max-bytes", true, wholeNumber(65_536, Long.MAX_VALUE, "bytes", "33554432")),
    CACHE_HITS_COUNT_TOKENS("cache.hits-count-tokens", true, bool()),
    // May hold a password: never repeated in the message.
    DATABASE_URL("tenancy.database-url", false, optional(value -> sai.gateway.database.DatabaseUrl.problem(value))),
    DATA_DIR("tenancy.data-dir", true, optional(anyText())),
    USAGE_RETENTION_DAYS("tenancy.usage-retention-days", true, wholeNumber(1, 36_500, "days", "90")),
    UI_SESSION_TTL("ui.session-ttl", true, positiveDuration(Accepted.MAX_DURATION, "8h")),
    UI_SIGN_IN_ATTEMPTS_PER_MINUTE("ui.sign-in-attempts-per-minute", true, wholeNumber(1, 1000, "attempts per minute", "5")),
    GATEWAY_LOCALE("gateway.locale", true, optional(oneOf(true, "es", "en"))),
    SAI_ERROR_STYLE("gateway.error-style", true, optional(oneOf(true, "http", "message"))),
    STREAM_HEARTBEAT_SECONDS("gateway.stream-heartbeat-seconds", true,
            wholeNumber(0, Integer.MAX_VALUE, "seconds", "0 turns heartbeats off", "15")),
    VERBOSE_LOGGING("gateway.verbose-logging", true, bool()),
    // logback.xml compares it as written, so the case matters here.
    LOG_FORMAT("gateway.log-format", true, optional(oneOf(false, "text", "json"))),
    CLIENT_HEADER_TIMEOUT("edge.header-timeout", true, positiveDuration(Accepted.MAX_DURATION, "10s")),
    CLIENT_BODY_TIMEOUT("edge.body-timeout", true, positiveDuration(Accepted.MAX_DURATION, "60s")),
    METRICS_ENABLED("micronaut.metrics.enabled", true, bool()),
    MAX_REQUEST_BYTES("micronaut.server.max-request-size", true, wholeNumber(1, Long.MAX_VALUE, "bytes", "10485760")),
    // -1 (any free port) is Micronaut's own convention, which the tests use; operators are told 1 to 65535.
    PORT("micronaut.server.port", true, value -> value.strip().equals("-1") ? null : wholeNumber(1, 65535, "", "4000").problem(value)),
    // application.yml writes ${SHUTDOWN_GRACE_SECONDS:30}s, a duration for Micronaut: the rule sees the number.
    SHUTDOWN_GRACE_SECONDS("micronaut.lifecycle.graceful-shutdown.grace-period", "s", true,
            wholeNumber(0, Integer.MAX_VALUE, "seconds", "30")),
    OTEL_SDK_DISABLED("otel.sdk.disabled", true, bool()),
    // OpenTelemetry reads an empty variable as an unset one, and so does the tracing setup (observe's Tracing).
    OTEL_EXPORTER_OTLP_ENDPOINT("otel.exporter.otlp.endpoint", false, optional(httpUrl("http://otel-collector:4318", "/v1/traces"))),
    OTEL_EXPORTER_OTLP_PROTOCOL("otel.exporter.otlp.protocol", true, optional(oneOf(false, "http/protobuf", "grpc"))),
    OTEL_TRACES_EXPORTER("otel.traces.exporter", true, optional(oneOf(false, "otlp", "none")));

    /** How every line of the report starts. */
    public static final String PREFIX = "Configuration error: ";
    private static final int SHOWN_CHARS = 40;

    /** Values some rules share (a nested class: an enum's constants cannot use its own static fields). */
    private static final class Accepted {
        /** A day: far beyond any wait for SAI, and well inside Netty's int milliseconds, which overflow after about 24 days. */
        static final long MAX_SECONDS = 86_400;
        /** A day: far beyond any sensible pause or limit, and well inside Duration.toNanos(), which overflows after about 292 years. */
        static final Duration MAX_DURATION = Duration.ofHours(24);
        /** Lettuce's RedisURI schemes, exactly, compared as written as Lettuce compares them (it refuses REDIS://). */
        static final List<String> REDIS_SCHEMES = List.of("redis", "rediss", "redis+ssl", "redis+tls", "redis-socket", "redis+socket",
                "redis-sentinel", "rediss-sentinel");
    }

    private final String property;
    private final String suffix;
    private final boolean showValue;
    private final SettingRule rule;

    Setting(String property, boolean showValue, SettingRule rule) {
        this(property, "", showValue, rule);
    }

    Setting(String property, String suffix, boolean showValue, SettingRule rule) {
        this.property = property;
        this.suffix = suffix;
        this.showValue = showValue;
        this.rule = rule;
    }

    /** The property application.yml maps the variable to (its value may end with a fixed suffix the rule does not see). */
    public String property() {
        return property;
    }

    /** The report's line for this value ("Configuration error: MAX_RETRIES must be ... (got "-1")"), or null when it is valid. */
    @Nullable
    public String problem(@Nullable String value) {
        String text = value == null ? "" : value;
        if (!suffix.isEmpty() && text.endsWith(suffix)) {
            text = text.substring(0, text.length() - suffix.length());
        }
        String problem = rule.problem(text);
        if (problem == null) {
            return null;
        }
        String got = showValue && !text.isBlank() ? " (got \"" + Printable.oneLine(text, SHOWN_CHARS) + "\")" : "";
        return PREFIX + name() + " " + problem + got;
    }

    /** The records' side: the value they were bound with must pass the same rule; the message is the report's line. */
    public void require(@Nullable Object value) {
        String problem = problem(value == null ? null : String.valueOf(value));
        if (problem != null) {
            throw new ConfigurationException(problem);
        }
    }
}
