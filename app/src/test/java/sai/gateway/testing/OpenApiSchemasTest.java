package sai.gateway.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenApiSchemasTest {

    @BeforeEach
    void needsTheSpec() {
        OpenApiSchemas.assumeSpec();
    }

    private static final String COMPLETION = """
            {
              "id": "chatcmpl-1",
              "object": "chat.completion",
              "created": 1741570283,
              "model": "gpt-4o-mini",
              "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": "Hello", "refusal": null},
                "logprobs": null,
                "finish_reason": "stop"
              }],
              "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
            }""";

    private static final String CHUNK = """
            {
              "id": "chatcmpl-1",
              "object": "chat.completion.chunk",
              "created": 1741570283,
              "model": "gpt-4o-mini",
              "choices": [{"index": 0, "delta": {"role": "assistant", "content": "He"}, "finish_reason": null}]
            }""";

    private static final String ERROR = """
            {"error": {"message": "m", "type": "invalid_request_error", "param": null, "code": null}}""";

    @Test
    void validChatCompletionPasses() {
        assertThat(OpenApiSchemas.violations("CreateChatCompletionResponse", COMPLETION)).isEmpty();
        OpenApiSchemas.assertValid("CreateChatCompletionResponse", COMPLETION);
    }

    @Test
    void chunkWithNullFinishReasonAndNoLogprobsPasses() {
        // finish_reason is "type: string, enum: [...], nullable: true": null only passes if nullable is honoured.
        OpenApiSchemas.assertValid("CreateChatCompletionStreamResponse", CHUNK);
    }

    @Test
    void chunkWithNullUsagePasses() {
        // usage is "$ref: CompletionUsage" with a sibling "nullable: true".
        OpenApiSchemas.assertValid("CreateChatCompletionStreamResponse",
                CHUNK.replace("\"model\"", "\"usage\": null, \"model\""));
    }

    @Test
    void finalUsageChunkWithNoChoicesPasses() {
        OpenApiSchemas.assertValid("CreateChatCompletionStreamResponse", """
                {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1741570283,
                 "model": "gpt-4o-mini", "choices": [],
                 "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}""");
    }

    @Test
    void errorResponsePasses() {
        OpenApiSchemas.assertValid("ErrorResponse", ERROR);
    }

    @Test
    void modelListPasses() {
        OpenApiSchemas.assertValid("ListModelsResponse", """
                {"object": "list", "data": [
                  {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"}]}""");
    }

    @Test
    void missingObjectFails() {
        String json = without(COMPLETION, "object");
        assertThat(OpenApiSchemas.violations("CreateChatCompletionResponse", json))
                .anySatisfy(v -> assertThat(v).contains("$").contains("object"));
    }

    @Test
    void wrongObjectValueFails() {
        String json = COMPLETION.replace("\"chat.completion\"", "\"chat.completion.chunk\"");
        assertThat(OpenApiSchemas.violations("CreateChatCompletionResponse", json))
                .anySatisfy(v -> assertThat(v).startsWith("$.object"));
    }

    @Test
    void createdAsStringFails() {
        String json = COMPLETION.replace("1741570283", "\"1741570283\"");
        assertThat(OpenApiSchemas.violations("CreateChatCompletionResponse", json))
                .anySatisfy(v -> assertThat(v).startsWith("$.created"));
    }

    @Test
    void missingChoiceLogprobsFails() {
        // Surprising but true: a non-streaming choice must carry "logprobs", even if only null.
        String json = COMPLETION.replace("\"logprobs\": null,", "");
        assertThat(OpenApiSchemas.violations("CreateChatCompletionResponse", json))
                .anySatisfy(v -> assertThat(v).startsWith("$.choices[0]").contains("logprobs"));
    }

    @Test
    void errorWithoutParamFails() {
        String json = ERROR.replace("\"param\": null, ", "");
        assertThat(OpenApiSchemas.violations("ErrorResponse", json))
                .anySatisfy(v -> assertThat(v).startsWith("$.error").contains("param"));
    }

    @Test
    void chunkWithUnknownFinishReasonFails() {
        String json = CHUNK.replace("\"finish_reason\": null", "\"finish_reason\": \"done\"");
        assertThat(OpenApiSchemas.violations("CreateChatCompletionStreamResponse", json))
                .anySatisfy(v -> assertThat(v).startsWith("$.choices[0].finish_reason"));
    }

    @Test
    void assertValidListsEveryViolation() {
        String json = without(COMPLETION.replace("1741570283", "\"soon\""), "model");
        assertThatThrownBy(() -> OpenApiSchemas.assertValid("CreateChatCompletionResponse", json))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CreateChatCompletionResponse")
                .hasMessageContaining("$.created")
                .hasMessageContaining("model");
    }

    @Test
    void aCheckMadeAlongTheWayFailsOnAWrongShapeWhenTheSpecIsThere() {
        // The helpers' check: with the spec it is as strict as assertValid.
        String json = ERROR.replace("\"param\": null, ", "");
        assertThatThrownBy(() -> OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", json))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("param");
    }

    @Test
    void malformedJsonIsAViolation() {
        assertThat(OpenApiSchemas.violations("ErrorResponse", "{\"error\":")).hasSize(1);
    }

    @Test
    void unknownSchemaNameIsRejected() {
        assertThatThrownBy(() -> OpenApiSchemas.violations("NoSuchSchema", "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NoSuchSchema");
    }

    @Test
    void nullableBesideRefBecomesAnyOfWithNull() throws JsonProcessingException {
        ObjectNode schema = (ObjectNode) MAPPER.readTree("""
                {"properties": {"usage": {"$ref": "#/x", "nullable": true}, "nullable": {"type": "string"}}}""");
        OpenApiSchemas.rewriteNullable(schema);
        assertThat(schema).isEqualTo(MAPPER.readTree("""
                {"properties": {"usage": {"anyOf": [{"$ref": "#/x"}, {"type": "null"}]},
                                "nullable": {"type": "string"}}}"""));
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String without(String json, String field) {
        try {
            ObjectNode node = (ObjectNode) MAPPER.readTree(json);
            node.remove(field);
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
