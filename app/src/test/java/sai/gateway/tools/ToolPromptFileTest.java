package sai.gateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import sai.gateway.testing.Json;
import sai.gateway.testing.SaiCalls;
import sai.gateway.testing.SaiFakeTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code SAI_TOOL_PROMPT_FILE} replaces the built-in tool instruction, placeholders filled in, exactly. */
@MicronautTest
class ToolPromptFileTest extends SaiFakeTest {

    @Override
    protected Map<String, String> extraProperties() {
        try {
            Path file = Files.createTempFile("tool-prompt", ".md");
            file.toFile().deleteOnExit();
            Files.writeString(file, "Herramientas: {{tools}}\nRegla: {{tool_choice}}\nParalelo: {{parallel_tool_calls}}\n", StandardCharsets.UTF_8);
            return Map.of("tools.prompt-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theFileIsTheInstruction() {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", """
                {"messages": [{"role": "developer", "content": "Sé breve."}, {"role": "user", "content": "Hora?"}],
                 "tools": [%s], "tool_choice": "required", "parallel_tool_calls": false}""".formatted(ChatToolCallingTest.TIME));

        JsonNode inputs = SaiCalls.body(SaiCalls.single(saiRequests())).path("inputs");
        String tools = inputs.path("tools").asText();
        assertThat(Json.parse(tools)).isEqualTo(Json.parse("[" + ChatToolCallingTest.TIME + "]"));
        assertThat(inputs.path("system").asText()).isEqualTo("Sé breve.\n\nHerramientas: " + tools
                + "\nRegla: You must call at least one tool now: answer only with the tool_calls JSON."
                + "\nParalelo: Call at most one tool per answer: \"tool_calls\" holds a single entry.");
    }

    @Test
    void withoutOtherInstructionsTheToolInstructionIsTheWholeSystemPrompt() {
        stubAnswer("ok", 1, 1, "sai-model");

        postJson("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "Hora?"}], "tools": [%s]}""".formatted(ChatToolCallingTest.TIME));

        assertThat(SaiCalls.body(SaiCalls.single(saiRequests())).at("/inputs/system").asText()).startsWith("Herramientas: [");
    }
}
