package sai.gateway.exchange;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.cache.CacheTicket;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.models.ModelCatalog.ModelChoice;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.RequestLog;
import sai.gateway.tenancy.KeyGrant;

import java.util.Locale;
import java.util.Optional;

/**
 * One accepted request of any API surface, after validation: everything the pipeline and the surface's shaping
 * need, so nothing is re-derived later. {@code stats} is the same object the exchange filter reads when the
 * response leaves (it exists before the body is read, for requests that never get this far). {@code grant}: the
 * virtual key the request came with, and its tenant. {@code cache}: its response cache key and what it may do with it,
 * null with the cache off.
 */
public record Exchange(RequestLog log,
                       ChatRequest request,
                       ModelChoice model,
                       CredentialPlan credentials,
                       byte[] saiBody,
                       long estimatedTokens,
                       Envelope envelope,
                       Locale locale,
                       long startedNanos,
                       ExchangeStats stats,
                       Optional<KeyGrant> grant,
                       @Nullable CacheTicket cache) {
}
