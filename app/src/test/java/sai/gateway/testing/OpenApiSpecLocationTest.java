package sai.gateway.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the wire-shape checks find the OpenAI spec, and what a plain clone (no {@code ../shared}) gets
 * instead of an error: a skip whose reason says where the spec comes from, or, for a check made along the
 * way, no check at all.
 */
class OpenApiSpecLocationTest {

    @Test
    void inAPlainCloneACheckIsSkippedSayingWhereTheSpecComesFrom(@TempDir Path parent) throws IOException {
        Path module = Files.createDirectories(parent.resolve("sai-gateway/app"));

        Optional<Path> found = OpenApiSchemas.locate(null, module);

        assertThat(found).isEmpty();
        assertThatThrownBy(() -> OpenApiSchemas.requireSpec(found, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("../shared/openai/openapi.yaml")
                .hasMessageContaining("github.com/openai/openai-openapi")
                .hasMessageContaining("-Dopenai.spec=");
    }

    @Test
    void inAPlainCloneACheckMadeAlongTheWayPassesSoTheTestGoesOn() {
        // What OpenAiErrors, SseEvents and ResponseEvents call: the test's own assertions still decide.
        OpenApiSchemas.assertValidIfSpecPresent(Optional.empty(), false, "ErrorResponse", "{\"not\": \"an error\"}");
    }

    @Test
    void whenTheBuildRequiresTheSpecAMissingOneFailsBothKindsOfCheck(@TempDir Path parent) throws IOException {
        // CI's mode (-Dopenai.spec.required=true): if its shared/ layout moves, the wire-shape checks fail, not skip.
        Optional<Path> found = OpenApiSchemas.locate(null, Files.createDirectories(parent.resolve("sai-gateway/app")));

        assertThatThrownBy(() -> OpenApiSchemas.requireSpec(found, true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("-Dopenai.spec.required=true makes that a failure")
                .hasMessageContaining("../shared/openai/openapi.yaml")
                .hasMessageContaining("github.com/openai/openai-openapi");
        assertThatThrownBy(() -> OpenApiSchemas.assertValidIfSpecPresent(found, true, "ErrorResponse", "{}"))
                .isInstanceOf(AssertionError.class)
                .hasMessage(OpenApiSchemas.MISSING_REQUIRED_SPEC);
    }

    @Test
    void theSpecBesideTheRepositoryIsFoundFromAModule(@TempDir Path parent) throws IOException {
        Path spec = Files.createDirectories(parent.resolve("shared/openai")).resolve("openapi.yaml");
        Files.writeString(spec, "openapi: 3.1.0\n");
        Path module = Files.createDirectories(parent.resolve("sai-gateway/function-lambda"));

        assertThat(OpenApiSchemas.locate(null, module)).contains(spec);
    }

    @Test
    void aSpecPathGivenOnPurposeMustExist(@TempDir Path parent) {
        assertThatThrownBy(() -> OpenApiSchemas.locate(parent.resolve("nope.yaml").toString(), parent))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-Dopenai.spec points to a missing file");
    }
}
