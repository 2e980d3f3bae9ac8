package sai.gateway.chat;

import sai.gateway.auth.CredentialPlan;
import sai.gateway.models.ModelCatalog.ModelChoice;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.RequestLog;
import sai.gateway.openai.ChatRequest;
import sai.gateway.translate.ChatResponseMapper.Envelope;

import java.util.Locale;

/** Everything one accepted request (of any API surface) needs after validation: nothing here is re-derived later. */
public record ChatExchange(RequestLog log,
                           ChatRequest request,
                           ModelChoice model,
                           CredentialPlan credentials,
                           byte[] saiBody,
                           long estimatedTokens,
                           Envelope envelope,
                           Locale locale,
                           long startedNanos,
                           ExchangeStats stats) {
}
