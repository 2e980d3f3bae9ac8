package sai.gateway.auth;

import java.util.Optional;

/**
 * The credential to try first and the one to try once more when SAI answers 429 (CONTRACT.md section 4).
 * There is never a fallback after a 401.
 */
public record CredentialPlan(UpstreamCredential primary, Optional<UpstreamCredential> onRateLimit) {
}
