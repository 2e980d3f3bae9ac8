package sai.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.testing.Json;
import sai.gateway.testing.LogCapture;
import sai.gateway.testing.ResponseEvents;
import sai.gateway.testing.SaiFakeTest;
import sai.gateway.testing.SseEvents;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One rule for {@code model} on every surface: the catalog id the request resolved to (the one it named, or
 * the first of {@code SAI_MODELS} when it named none), on plain answers and on every event of a stream alike.
 * The model SAI says answered goes to the {@code x-sai-model} header of plain answers (a stream's headers
 * leave before SAI answers) and to the {@code answered} log line.
 */
@MicronautTest
class ModelFieldTest extends SaiFakeTest {

    private static final LogCapture LOGS = LogCapture.attachToRoot();
    private static final String SAI_SAYS = "claude-sonnet-4-5-20250929-snapshot";

    @ParameterizedTest
    @CsvSource({"'\"model\": \"claude-sonnet-4-5-20250929\", ', claude-sonnet-4-5-20250929", "'', sai-model"})
    void plainAnswersNameTheResolvedModelAndSaisModelInAHeader(String modelField, String resolved) {
        stubAnswer("Hola", 3, 1, SAI_SAYS);

        for (String[] call : List.of(
                new String[]{"/v1/chat/completions", "{" + modelField + "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"},
                new String[]{"/v1/responses", "{" + modelField + "\"input\": \"hi\"}"},
                new String[]{"/v1/completions", "{" + modelField + "\"prompt\": \"hi\"}"})) {
            HttpResponse<String> response = postJson(call[0], call[1]);

            assertThat(response.statusCode()).as(call[0]).isEqualTo(200);
            assertThat(Json.parse(response.body()).path("model").asText()).as(call[0]).isEqualTo(resolved);
            assertThat(response.headers().firstValue("x-sai-model")).as(call[0]).hasValue(SAI_SAYS);
            String id = response.headers().firstValue("x-request-id").orElseThrow();
            assertThat(LOGS.linesOf(id)).as(call[0]).anySatisfy(line -> assertThat(line.message())
                    .contains("[SERVER -> CLIENT] answered", "model=" + resolved + " | sai model=" + SAI_SAYS));
        }
    }

    @ParameterizedTest
    @CsvSource({"'\"model\": \"claude-sonnet-4-5-20250929\", ', claude-sonnet-4-5-20250929", "'', sai-model"})
    void everyEventOfAStreamNamesTheResolvedModel(String modelField, String resolved) {
        stubAnswer("Hola", 3, 1, SAI_SAYS);

        HttpResponse<String> chat = postJson("/v1/chat/completions", "{" + modelField
                + "\"stream\": true, \"stream_options\": {\"include_usage\": true}, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        List<JsonNode> chunks = SseEvents.parse(chat.body()).chunks();
        assertThat(chunks).isNotEmpty().allSatisfy(chunk -> assertThat(chunk.path("model").asText()).isEqualTo(resolved));

        HttpResponse<String> completions = postJson("/v1/completions", "{" + modelField + "\"stream\": true, \"echo\": true, \"prompt\": \"hi\"}");
        List<JsonNode> pieces = SseEvents.parse(completions.body()).json();
        assertThat(pieces).isNotEmpty().allSatisfy(piece -> assertThat(piece.path("model").asText()).isEqualTo(resolved));

        HttpResponse<String> responses = postJson("/v1/responses", "{" + modelField + "\"stream\": true, \"input\": \"hi\"}");
        List<JsonNode> lifecycle = ResponseEvents.parse(responses.body()).events().stream().filter(e -> e.has("response")).toList();
        assertThat(lifecycle).extracting(e -> e.path("type").asText())
                .containsExactly("response.created", "response.in_progress", "response.completed");
        assertThat(lifecycle).allSatisfy(e -> assertThat(e.at("/response/model").asText()).isEqualTo(resolved));
    }
}
