package sai.gateway.sai;

import sai.gateway.auth.UpstreamCredential;
import sai.gateway.observe.RequestLog;

import java.util.Map;
import java.util.Optional;

/**
 * One execution of the template with one credential; the body is serialised once and reused by retries.
 * {@code traceHeaders} carry the call's trace context to SAI ({@code traceparent}; empty when tracing is off).
 */
public record SaiCall(RequestLog log, byte[] body, Optional<String> modelOverride, UpstreamCredential credential,
                      Map<String, String> traceHeaders) {
}
