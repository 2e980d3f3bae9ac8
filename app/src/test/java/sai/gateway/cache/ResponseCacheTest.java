package sai.gateway.cache;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sai.gateway.observe.ExchangeFilter;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.OpenAiErrors;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.PrometheusScrape;
import sai.gateway.testing.ResponseEvents;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code CACHE_TTL} at the wire: a repeat is answered without calling SAI, in the caller's own shape and stream, and
 * anything that would change SAI's answer or who pays for it is another entry. Each test uses its own prompts, so the
 * class's one cache (one application context) never carries an entry from one test into another.
 */
@MicronautTest
class ResponseCacheTest extends SaiFakeTest {

    private static final String USER_KEY_HEADER = "user_api_key";
    private static final AtomicInteger PROMPTS = new AtomicInteger();

    private OpenAIClient openAi;
    private AnthropicClient anthropic;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("cache.ttl", "10m",
                "micronaut.metrics.enabled", "true",
                "micronaut.metrics.export.prometheus.enabled", "true",
                "endpoints.prometheus.enabled", "true");
    }

    @AfterAll
    void closeClients() {
        if (openAi != null) {
            openAi.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    private OpenAIClient openAi() {
        if (openAi == null) {
            openAi = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-anything")
                    .maxRetries(0).responseValidation(true).timeout(Duration.ofSeconds(30)).build();
        }
        return openAi;
    }

    private AnthropicClient anthropic() {
        if (anthropic == null) {
            anthropic = AnthropicOkHttpClient.builder().baseUrl(baseUrl()).apiKey("not-checked").maxRetries(0)
                    .timeout(Duration.ofSeconds(30)).responseValidation(true).build();
        }
        return anthropic;
    }

    /** A prompt no other test sends. */
    private static String fresh(String what) {
        return what + " #" + PROMPTS.incrementAndGet();
    }

    private static String cache(HttpResponse<?> response) {
        return response.headers().firstValue(ExchangeFilter.CACHE_HEADER).orElse("(none)");
    }

    @Test
    void aRepeatIsAnsweredWithoutSaiWithTheSameContentAndFreshIds() {
        stubAnswer("Cached answer, ñ 👋", 12, 3, "claude-x");
        String body = chat(fresh("What is a cache?"));

        HttpResponse<String> first = postJson("/v1/chat/completions", body);
        HttpResponse<String> second = postJson("/v1/chat/completions", body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(cache(first)).isEqualTo("MISS");
        assertThat(cache(second)).isEqualTo("HIT");
        assertThat(saiRequests()).hasSize(1);
        JsonNode missed = Json.parse(first.body());
        JsonNode hit = Json.parse(second.body());
        assertThat(hit.at("/choices/0/message/content").asText()).isEqualTo("Cached answer, ñ 👋");
        assertThat(hit.path("usage")).isEqualTo(missed.path("usage"));
        assertThat(hit.path("id").asText()).startsWith("chatcmpl-").isNotEqualTo(missed.path("id").asText());
        assertThat(hit.path("created").asLong()).isGreaterThanOrEqualTo(missed.path("created").asLong());
        assertThat(second.headers().firstValue("x-sai-model")).contains("claude-x");
        OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", second.body());
    }

    @Test
    void aStreamedRequestReplaysTheKeptAnswerAsAValidStream() {
        String text = "A streamed answer, longer than one chunk. ".repeat(40);
        stubAnswer(text, 20, 400, "sai-model");
        String prompt = fresh("Stream me");
        String plain = chat(prompt);
        String streamed = streamChat(prompt);

        HttpResponse<String> miss = postJson("/v1/chat/completions", plain);
        HttpResponse<String> hit = postJson("/v1/chat/completions", streamed);

        assertThat(cache(miss)).isEqualTo("MISS");
        assertThat(cache(hit)).isEqualTo("HIT");
        assertThat(hit.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        SseEvents events = SseEvents.parse(hit.body());
        assertThat(events.data()).last().isEqualTo(SseEvents.DONE);
        List<JsonNode> chunks = events.chunks();
        assertThat(SseEvents.content(chunks)).isEqualTo(text);
        assertThat(chunks.get(chunks.size() - 1).path("usage").path("total_tokens").asLong()).isEqualTo(420);
        for (JsonNode chunk : chunks) {
            OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionStreamResponse", chunk.toString());
        }
        assertThat(saiRequests()).hasSize(1);

        // The SDK's accumulator reads the replay as it reads a stream from SAI.
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (var stream = openAi().chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("sai-model").addUserMessage(prompt).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion accumulated = accumulator.chatCompletion();
        assertThat(accumulated.choices().get(0).message().content()).contains(text);
        assertThat(accumulated.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void aStreamedAnswerIsKeptForAPlainRepeat() {
        stubAnswer("First streamed", 5, 2, "sai-model");
        String prompt = fresh("Stream first");

        HttpResponse<String> streamed = postJson("/v1/chat/completions", streamChat(prompt));
        HttpResponse<String> plain = postJson("/v1/chat/completions", chat(prompt));

        assertThat(cache(streamed)).isEqualTo("MISS");
        assertThat(SseEvents.content(SseEvents.parse(streamed.body()).chunks())).isEqualTo("First streamed");
        assertThat(cache(plain)).isEqualTo("HIT");
        assertThat(Json.parse(plain.body()).at("/choices/0/message/content").asText()).isEqualTo("First streamed");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void anythingThatChangesSaisAnswerOrWhoPaysIsAnotherEntry() {
        stubAnswer("It depends", 4, 2, "sai-model");
        String prompt = fresh("Tell me");
        String base = "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":\"earlier\"},{\"role\":\"assistant\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":" + Json.quote(prompt) + "}]";
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]";
        List<String> variants = List.of(
                base + "}",
                base.replace("\"earlier\"", "\"earlier.\"") + "}",               // one character of history
                base.replace("\"ok\"", "\"OK\"") + "}",
                base.replace("Be brief", "Be brief!") + "}",                     // the system prompt
                base.replace("\"model\":\"sai-model\"", "\"model\":\"claude-sonnet-4-5-20250929\"") + "}",
                base + tools + "}",
                base + tools.replace("get_weather", "get_time") + "}");

        for (String variant : variants) {
            assertThat(cache(postJson("/v1/chat/completions", variant))).as(variant).isEqualTo("MISS");
        }
        assertThat(saiRequests()).hasSize(variants.size());
        // A user's SAI key is its own scope: not the system's, not another user's; the same key again is a hit.
        assertThat(cache(postJson("/v1/chat/completions", base + "}", USER_KEY_HEADER, "alice-sai-key-1"))).isEqualTo("MISS");
        assertThat(cache(postJson("/v1/chat/completions", base + "}", USER_KEY_HEADER, "bob-sai-key-2"))).isEqualTo("MISS");
        assertThat(cache(postJson("/v1/chat/completions", base + "}", USER_KEY_HEADER, "alice-sai-key-1"))).isEqualTo("HIT");
        assertThat(saiRequests()).hasSize(variants.size() + 2);
        // And every variant is now a hit.
        for (String variant : variants) {
            assertThat(cache(postJson("/v1/chat/completions", variant))).as(variant).isEqualTo("HIT");
        }
        assertThat(saiRequests()).hasSize(variants.size() + 2);
    }

    @Test
    void errorsAreNeverKept() {
        String body = chat(fresh("Fails first"));
        sai.stubFor(executeStub().willReturn(aResponse().withStatus(500).withBody("boom")));

        HttpResponse<String> failed = postJson("/v1/chat/completions", body);
        HttpResponse<String> failedStream = postJson("/v1/chat/completions", body.replace("{\"model\"", "{\"stream\":true,\"model\""));

        assertThat(failed.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(cache(failed)).isEqualTo("MISS");
        assertThat(failedStream.body()).contains("\"error\"");
        sai.resetAll();
        stubAnswer("Works now", 3, 2, "sai-model");
        HttpResponse<String> answered = postJson("/v1/chat/completions", body);
        HttpResponse<String> repeated = postJson("/v1/chat/completions", body);

        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(cache(answered)).isEqualTo("MISS");
        assertThat(cache(repeated)).isEqualTo("HIT");
        assertThat(Json.parse(repeated.body()).at("/choices/0/message/content").asText()).isEqualTo("Works now");
        assertThat(saiRequests()).hasSize(1);
    }

    @Test
    void noCacheAsksSaiAndRefreshesTheEntry() {
        String body = chat(fresh("Refresh me"));
        stubAnswer("old answer", 3, 2, "sai-model");
        postJson("/v1/chat/completions", body);
        stubAnswer("new answer", 3, 2, "sai-model");

        HttpResponse<String> refreshed = postJson("/v1/chat/completions", body, "Cache-Control", "no-cache");
        HttpResponse<String> after = postJson("/v1/chat/completions", body);

        assertThat(cache(refreshed)).isEqualTo("MISS");
        assertThat(Json.parse(refreshed.body()).at("/choices/0/message/content").asText()).isEqualTo("new answer");
        assertThat(cache(after)).isEqualTo("HIT");
        assertThat(Json.parse(after.body()).at("/choices/0/message/content").asText()).isEqualTo("new answer");
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void noStoreKeepsNothingAndReadsNothing() {
        String body = chat(fresh("Do not keep"));
        stubAnswer("secret answer", 3, 2, "sai-model");

        HttpResponse<String> unkept = postJson("/v1/chat/completions", body, "Cache-Control", "no-store");
        HttpResponse<String> next = postJson("/v1/chat/completions", body);
        HttpResponse<String> unread = postJson("/v1/chat/completions", body, "Cache-Control", "max-age=0, no-store");
        HttpResponse<String> last = postJson("/v1/chat/completions", body);

        assertThat(List.of(cache(unkept), cache(next), cache(unread), cache(last))).containsExactly("MISS", "MISS", "MISS", "HIT");
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void everySurfaceIsAnsweredFromTheCacheInItsOwnShape() {
        stubAnswer("Same text for all", 6, 4, "sai-model");
        Map<String, String> requests = Map.of(
                "/v1/responses", "{\"model\":\"sai-model\",\"input\":" + Json.quote(fresh("responses")) + "}",
                "/v1/completions", "{\"model\":\"sai-model\",\"prompt\":" + Json.quote(fresh("completions")) + "}",
                "/v1/messages", "{\"model\":\"sai-model\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":"
                        + Json.quote(fresh("messages")) + "}]}");
        Map<String, String> textAt = Map.of("/v1/responses", "/output/0/content/0/text", "/v1/completions", "/choices/0/text",
                "/v1/messages", "/content/0/text");
        Map<String, String> schemas = Map.of("/v1/responses", "Response", "/v1/completions", "CreateCompletionResponse");

        requests.forEach((path, body) -> {
            HttpResponse<String> miss = postJson(path, body, "anthropic-version", "2023-06-01");
            HttpResponse<String> hit = postJson(path, body, "anthropic-version", "2023-06-01");

            assertThat(miss.statusCode()).as(path + " " + miss.body()).isEqualTo(200);
            assertThat(cache(miss)).as(path).isEqualTo("MISS");
            assertThat(cache(hit)).as(path).isEqualTo("HIT");
            assertThat(Json.parse(hit.body()).at(textAt.get(path)).asText()).as(path).isEqualTo("Same text for all");
            assertThat(Json.parse(hit.body()).path("id").asText()).as(path).isNotEqualTo(Json.parse(miss.body()).path("id").asText());
            if (schemas.containsKey(path)) {
                OpenApiSchemas.assertValidIfSpecPresent(schemas.get(path), hit.body());
            }
        });
        assertThat(saiRequests()).hasSize(3);
    }

    @Test
    void streamedHitsOfTheResponsesAndMessagesApisAreTheirOwnEvents() {
        String text = "Streamed for every API. ".repeat(30);
        stubAnswer(text, 10, 90, "claude-sonnet-4-5-20250929");
        String responsesBody = "{\"model\":\"sai-model\",\"input\":" + Json.quote(fresh("responses stream")) + "}";
        postJson("/v1/responses", responsesBody);

        HttpResponse<String> replayed = postJson("/v1/responses", responsesBody.replace("{\"model\"", "{\"stream\":true,\"model\""));

        assertThat(cache(replayed)).isEqualTo("HIT");
        ResponseEvents events = ResponseEvents.parse(replayed.body());
        assertThat(events.types().get(0)).isEqualTo("response.created");
        assertThat(events.last().path("type").asText()).isEqualTo("response.completed");
        assertThat(events.last().at("/response/output/0/content/0/text").asText()).isEqualTo(text);

        String prompt = fresh("messages stream");
        MessageCreateParams params = MessageCreateParams.builder().model("claude-sonnet-4-5-20250929").maxTokens(1024).addUserMessage(prompt).build();
        anthropic().messages().create(params);
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic().messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertThat(accumulator.message().content().get(0).asText().text()).isEqualTo(text);
        assertThat(accumulator.message().usage().outputTokens()).isEqualTo(90);
        assertThat(saiRequests()).hasSize(2);
    }

    @Test
    void aRefusedRequestSaysMissAndAnswersInTheErrorShape() {
        HttpResponse<String> refused = postJson("/v1/chat/completions", "{\"model\":\"sai-model\",\"messages\":[]}");

        assertThat(refused.statusCode()).isEqualTo(400);
        OpenAiErrors.assertErrorObject(Json.parse(refused.body()), "invalid_request_error", Json.parse(refused.body()).at("/error/code").asText(null),
                Json.parse(refused.body()).at("/error/param").asText(null));
        assertThat(cache(refused)).isEqualTo("MISS");
        assertThat(saiRequests()).isEmpty();
    }

    @Test
    void otherRoutesCarryNoCacheHeader() {
        assertThat(get("/v1/models").headers().firstValue(ExchangeFilter.CACHE_HEADER)).isEmpty();
        assertThat(get("/health").headers().firstValue(ExchangeFilter.CACHE_HEADER)).isEmpty();
    }

    @Test
    void hitsAndMissesAreCountedAndLoggedWithoutTheUsersKey() {
        stubAnswer("Counted", 30, 12, "sai-model");
        String body = chat(fresh("Count me"));
        PrometheusScrape before = PrometheusScrape.parse(get("/prometheus").body());
        LogCapture logs = LogCapture.attachToRoot();
        try {
            postJson("/v1/chat/completions", body, USER_KEY_HEADER, "carol-sai-key-secret-77");
            postJson("/v1/chat/completions", body, USER_KEY_HEADER, "carol-sai-key-secret-77");
            postJson("/v1/chat/completions", body, USER_KEY_HEADER, "carol-sai-key-secret-77", "Cache-Control", "no-store");
        } finally {
            logs.detach();
        }
        PrometheusScrape after = PrometheusScrape.parse(get("/prometheus").body());

        assertThat(after.sum("sai_gateway_cache_hits_total") - before.sum("sai_gateway_cache_hits_total")).isEqualTo(1);
        assertThat(after.sum("sai_gateway_cache_misses_total") - before.sum("sai_gateway_cache_misses_total")).isEqualTo(2);
        assertThat(after.sum("sai_gateway_cache_tokens_saved_total") - before.sum("sai_gateway_cache_tokens_saved_total")).isEqualTo(42);
        assertThat(after.find("sai_gateway_cache_evictions_total")).isNotEmpty();
        assertThat(logs.text()).contains("answered from the cache").contains("tokens 30 -> 12 saved")
                .doesNotContain("carol-sai-key-secret-77").doesNotContain(SYSTEM_KEY);
        assertThat(saiRequests()).hasSize(2);
    }

    private static String streamChat(String prompt) {
        return "{\"model\":\"sai-model\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + Json.quote(prompt) + "}]}";
    }
}
