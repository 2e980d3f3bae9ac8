package sai.gateway.sai;

import sai.gateway.auth.UpstreamCredential;
import sai.gateway.observe.RequestLog;

import java.util.Optional;

/** One execution of the template with one credential; the body is serialised once and reused by retries. */
public record SaiCall(RequestLog log, byte[] body, Optional<String> modelOverride, UpstreamCredential credential) {
}
