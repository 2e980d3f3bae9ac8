package sai.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts the OpenAI error shape a client receives: status, schema (when the spec is there), type/code/param, request id. */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    /**
     * @param param the expected {@code error.param}, or null when it must be JSON null
     * @return the {@code error} object, for checks on its message
     */
    public static JsonNode assertError(HttpResponse<String> response, int status, String type, String code, String param) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(8));
        OpenApiSchemas.assertValidIfSpecPresent("ErrorResponse", response.body());
        return assertErrorObject(Json.parse(response.body()), type, code, param);
    }

    /** The same checks on an already parsed {@code {"error":{...}}} document (for example an SSE error event). */
    public static JsonNode assertErrorObject(JsonNode document, String type, String code, String param) {
        JsonNode error = document.path("error");
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.path("code").asText()).isEqualTo(code);
        if (param == null) {
            assertThat(error.path("param").isNull()).as("param is null in %s", error).isTrue();
        } else {
            assertThat(error.path("param").asText()).isEqualTo(param);
        }
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }
}
