package sai.gateway.usage;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * One answered request, as the {@code usage_record} table keeps it: who (tenant and key ids, never the key),
 * what (surface, model, stream), how it went (status, error code, tokens, latencies, which credential paid,
 * cache hit and the tokens it saved). Never message content. {@code id} is chosen when the request ends, so writing a record twice adds
 * nothing. Serdeable: the spool file under {@code DATA_DIR} holds records as JSON lines.
 */
@Serdeable
public record UsageRecord(String id,
                          Instant occurredAt,
                          String requestId,
                          @Nullable String tenantId,
                          @Nullable String keyId,
                          String surface,
                          String model,
                          boolean stream,
                          int status,
                          @Nullable String errorCode,
                          long promptTokens,
                          long completionTokens,
                          long latencyMs,
                          long saiLatencyMs,
                          String credential,
                          boolean cacheHit,
                          long tokensSaved) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    public boolean failed() {
        return status >= 400 || errorCode != null;
    }
}
