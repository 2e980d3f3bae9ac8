package sai.gateway.exchange;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.auth.CredentialPlan;
import sai.gateway.auth.CredentialResolver;
import sai.gateway.cache.ResponseCache;
import sai.gateway.config.SaiConfiguration;
import sai.gateway.conversation.ChatMessage;
import sai.gateway.conversation.ChatRequest;
import sai.gateway.conversation.CompletionIds;
import sai.gateway.conversation.Role;
import sai.gateway.models.ModelCatalog;
import sai.gateway.observe.ExchangeStats;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.tenancy.KeyGrant;
import sai.gateway.text.Printable;
import sai.gateway.tools.ToolPrompt;
import sai.gateway.translate.SaiRequestMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * From the neutral request to an {@link Exchange}: the model resolved, the credential chain planned, tools and
 * history written for SAI, SAI's body serialized. Everything that can refuse the request here does so before SAI.
 */
@Singleton
class ExchangePreparer {

    /** Every line of a request goes to this one logger, whatever its surface: operators follow one name. */
    static final Logger LOG = LoggerFactory.getLogger(ExchangePipeline.class);
    private static final int PREVIEW_CHARS = 100;
    /** Anything a log viewer may take for a line break or a terminal for a command: control characters (C0, C1), U+2028/9. */
    private static final Pattern LINE_BREAKING = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]+");
    /** Messages previewed per request with VERBOSE_LOGGING: the first half and the last half of this many. */
    private static final int VERBOSE_MESSAGES = 10;

    private final ModelCatalog models;
    private final CredentialResolver credentials;
    private final JsonMapper json;
    private final SaiConfiguration config;
    private final ToolPrompt toolPrompt;
    private final ResponseCache cache;

    ExchangePreparer(ModelCatalog models, CredentialResolver credentials, JsonMapper json, SaiConfiguration config, ToolPrompt toolPrompt,
                     ResponseCache cache) {
        this.models = models;
        this.credentials = credentials;
        this.json = json;
        this.config = config;
        this.toolPrompt = toolPrompt;
        this.cache = cache;
    }

    Exchange prepare(HttpRequest<?> httpRequest, ChatRequest request, int bodyBytes, String idPrefix, @Nullable String headerUserKey,
                     Locale locale, long started) {
        RequestLog log = new RequestLog(LOG, RequestIds.of(httpRequest));
        ExchangeStats stats = ExchangeStats.of(httpRequest);
        logReceived(log, request, bodyBytes);
        Optional<KeyGrant> grant = httpRequest.getAttribute(KeyGrant.ATTRIBUTE, KeyGrant.class);
        ModelCatalog.ModelChoice model = models.resolve(request.model() == null ? grant.flatMap(this::defaultModel).orElse(null) : request.model());
        stats.request(model.id(), request.stream());
        grant.ifPresent(g -> stats.key(g.tenant().id(), g.key().id()));
        CredentialPlan plan = credentials.resolve(log, request.bodyUserKey(), headerUserKey, grant.flatMap(g -> g.tenant().saiKey()));
        stats.credential(plan.primary().kind().label());
        SaiRequestMapper.Mapped mapped = mapped(log, request);
        if (mapped.unwrappedPluginMessages() > 0) {
            log.info("[PLUGIN] IDE-wrapped message(s) unwrapped: {}", mapped.unwrappedPluginMessages());
        }
        log.debug("[CLIENT -> SERVER] accepted | model={} | ~{} tokens of {}", model.id(), mapped.estimatedTokens(), config.maxContextTokens());
        Envelope envelope = new Envelope(CompletionIds.next(idPrefix), System.currentTimeMillis() / 1000, model.id());
        return new Exchange(log, request, model, plan, serialize(mapped), mapped.estimatedTokens(), envelope, locale, started, stats, grant,
                cache.ticket(httpRequest, plan, grant, model.override(), mapped.body()));
    }

    /** A key that may not use the gateway's default model gets its first allowed one when a request names none. */
    private Optional<String> defaultModel(KeyGrant grant) {
        return grant.allowedModels(config.models()).stream().findFirst();
    }

    /** The context budget's estimate for a request, as {@link #prepare} computes it, without the credentials or a SAI body. */
    long estimate(HttpRequest<?> httpRequest, ChatRequest request) {
        RequestLog log = new RequestLog(LOG, RequestIds.of(httpRequest));
        ModelCatalog.ModelChoice model = models.resolve(request.model());
        long tokens = mapped(log, request).estimatedTokens();
        log.info("[CLIENT -> SERVER] token count | {} messages | model={} | ~{} tokens | no SAI call", request.messages().size(), model.id(), tokens);
        return tokens;
    }

    /** Tools and history written for SAI: one path for the body and for the estimate, so count_tokens says what the budget will. */
    private SaiRequestMapper.Mapped mapped(RequestLog log, ChatRequest request) {
        ToolPrompt.Prompted prompted = toolPrompt.apply(log, request);
        return SaiRequestMapper.map(prompted.messages(), prompted.instruction(), prompted.toolsJson(), System.currentTimeMillis());
    }

    private byte[] serialize(SaiRequestMapper.Mapped mapped) {
        try {
            return json.writeValueAsBytes(mapped.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void logReceived(RequestLog log, ChatRequest request, int bytes) {
        Map<Role, Integer> roles = new EnumMap<>(Role.class);
        for (ChatMessage m : request.messages()) {
            roles.merge(m.role(), 1, Integer::sum);
        }
        log.info("[CLIENT -> SERVER] {} messages | roles={} | {} bytes | model={} | stream={} | user key in body={}",
                request.messages().size(), roles, bytes, request.model() == null ? "default" : Printable.oneLine(request.model(), PREVIEW_CHARS),
                request.stream(), request.bodyUserKey() != null);
        if (log.isDebugEnabled()) {
            // Bounded whatever the client sends: the first and the last messages, and a count of the rest.
            int count = request.messages().size();
            int head = count <= VERBOSE_MESSAGES ? count : VERBOSE_MESSAGES / 2;
            for (int i = 0; i < head; i++) {
                logPreview(log, request.messages().get(i), i);
            }
            if (count > head) {
                log.debug("[VERBOSE] ... {} more messages not shown", count - VERBOSE_MESSAGES);
                for (int i = count - VERBOSE_MESSAGES / 2; i < count; i++) {
                    logPreview(log, request.messages().get(i), i);
                }
            }
        }
    }

    private static void logPreview(RequestLog log, ChatMessage m, int index) {
        log.debug("[VERBOSE] [{}] role={} | length={} | preview='{}'", index, m.role().wire(), m.content().length(), preview(m.content()));
    }

    /** Cut before it is cleaned, so a megabyte of content costs no more than a line. */
    private static String preview(String content) {
        int end = Math.min(content.length(), PREVIEW_CHARS);
        if (end > 0 && end < content.length() && Character.isHighSurrogate(content.charAt(end - 1))) {
            end--;
        }
        return LINE_BREAKING.matcher(content.substring(0, end)).replaceAll(" ");
    }
}
