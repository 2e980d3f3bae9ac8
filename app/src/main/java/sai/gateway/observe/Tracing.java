package sai.gateway.observe;

import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import io.micronaut.http.HttpRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenTelemetry tracing, off unless {@code OTEL_SDK_DISABLED=false}: a server span per request (continuing the
 * caller's W3C {@code traceparent}), a client span per SAI call, and that span's {@code traceparent} sent to SAI.
 * The SDK is configured the standard way ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_TRACES_SAMPLER}, ...):
 * environment variables first, then the {@code otel.*} properties of application.yml. Off, nothing is created,
 * nothing is sent, and every call here is a no-op.
 */
@Singleton
public class Tracing {

    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final String ENDPOINT = "otel.exporter.otlp.endpoint";
    private static final String PROTOCOL = "otel.exporter.otlp.protocol";
    private static final String EXPORTER = "otel.traces.exporter";
    private static final TextMapGetter<HttpRequest<?>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpRequest<?> request) {
            return request.getHeaders().names();
        }

        @Override
        public String get(HttpRequest<?> request, String key) {
            return request == null ? null : request.getHeaders().get(key);
        }
    };

    private final OpenTelemetrySdk sdk;
    private final OpenTelemetry otel;
    private final Tracer tracer;

    public Tracing(Environment environment) {
        boolean disabled = environment.getProperty("otel.sdk.disabled", Boolean.class, true);
        if (disabled) {
            this.sdk = null;
            this.otel = OpenTelemetry.noop();
        } else {
            Map<String, String> properties = new HashMap<>();
            environment.getProperties("otel", StringConvention.RAW).forEach((key, value) -> properties.put("otel." + key, String.valueOf(value)));
            Map<String, String> exporter = new HashMap<>();
            this.sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> properties)
                    // Last, over the SDK's own reading of the environment, where OTEL_EXPORTER_OTLP_ENDPOINT= would be kept as "".
                    .addPropertiesCustomizer(config -> {
                        exporter.putAll(emptyAsUnset(config));
                        return exporter;
                    })
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            this.otel = sdk;
            LOG.info("[TRACING] OpenTelemetry on: spans exported to {} ({})", exporter.get(ENDPOINT), exporter.get(PROTOCOL));
        }
        this.tracer = otel.getTracer("sai-gateway");
    }

    /**
     * The exporter's settings with an empty value read as an unset one, as the OpenTelemetry specification
     * says of its variables and as the startup check accepts it, where the SDK would keep "" and fail on it.
     * An empty variable replaces application.yml's default rather than falling back to it, so the defaults
     * are repeated here.
     */
    static Map<String, String> emptyAsUnset(ConfigProperties config) {
        return Map.of(ENDPOINT, orElse(config.getString(ENDPOINT), "http://localhost:4318"),
                PROTOCOL, orElse(config.getString(PROTOCOL), "http/protobuf"),
                EXPORTER, orElse(config.getString(EXPORTER), "otlp"));
    }

    private static String orElse(String value, String unset) {
        return value == null || value.isBlank() ? unset : value;
    }

    public boolean enabled() {
        return sdk != null;
    }

    /** The request's span, child of the caller's {@code traceparent} when it sent one. */
    public Span serverSpan(HttpRequest<?> request) {
        if (sdk == null) {
            return Span.getInvalid();
        }
        Context parent = otel.getPropagators().getTextMapPropagator().extract(Context.root(), request, HEADERS);
        return tracer.spanBuilder(request.getMethodName() + " " + request.getPath())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", request.getMethodName())
                .startSpan();
    }

    /** Names the request's span by its route template and records the status the client got. */
    public void endServerSpan(Span span, String method, String route, int status) {
        if (!span.getSpanContext().isValid()) {
            return;
        }
        span.updateName(method + " " + route);
        span.setAttribute("http.route", route);
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** A SAI call under the request's span, and the headers that carry it to SAI. */
    public SaiSpan saiCall(Span parent, String credentialKind) {
        if (sdk == null) {
            return SaiSpan.NONE;
        }
        Span span = tracer.spanBuilder("SAI execute")
                .setParent(Context.root().with(parent))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("sai.credential", credentialKind)
                .startSpan();
        Map<String, String> headers = new LinkedHashMap<>();
        otel.getPropagators().getTextMapPropagator().inject(Context.root().with(span), headers, (carrier, key, value) -> carrier.put(key, value));
        return new SaiSpan(span, Map.copyOf(headers));
    }

    /** A started SAI span; {@link #NONE} when tracing is off. */
    public record SaiSpan(Span span, Map<String, String> headers) {

        static final SaiSpan NONE = new SaiSpan(Span.getInvalid(), Map.of());

        public void end(Throwable failure) {
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            }
            span.end();
        }
    }

    @PreDestroy
    void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
