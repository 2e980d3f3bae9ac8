package sai.gateway.ui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's own files as the jar serves them: the stylesheet parses as a whole (one unclosed block, left by a
 * merge, once turned every later rule into a phone-only rule) and nothing in them reaches another origin.
 */
class UiAssetsTest {

    @Test
    void theStylesheetClosesEveryBlockItOpens() throws IOException {
        String css = read("ui/static/ui.css").replaceAll("(?s)/\\*.*?\\*/", "");
        int depth = 0;
        for (char c : css.toCharArray()) {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            assertThat(depth).as("a } without its {").isNotNegative();
        }
        assertThat(depth).as("blocks left open at the end of ui.css").isZero();
    }

    @Test
    void noFileLoadsAnythingFromAnotherOrigin() throws IOException {
        for (String file : new String[]{"ui/static/ui.css", "ui/static/ui.js"}) {
            assertThat(read(file)).as(file).doesNotContain("http://", "https://", "@import", "//cdn", "eval(", "new Function(");
        }
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = UiAssetsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
