package sai.gateway.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrintableTest {

    @Test
    void plainTextUnderTheBoundIsTheSameString() {
        String model = "claude-sonnet-4-5-20250929";
        assertThat(Printable.oneLine(model, 100)).isSameAs(model);
    }

    @Test
    void controlCharactersC0DelAndC1BecomeQuestionMarks() {
        assertThat(Printable.oneLine("a\nb\rc\u0000d\u007fe\u0085f\u009fg\u00a0h", 40)).isEqualTo("a?b?c?d?e?f?g\u00a0h");
    }

    @Test
    void longTextIsCutAtTheBoundAndMarked() {
        assertThat(Printable.oneLine("x".repeat(61), 60)).isEqualTo("x".repeat(60) + "...");
        assertThat(Printable.oneLine("x".repeat(60), 60)).isEqualTo("x".repeat(60));
        assertThat(Printable.oneLine("\n".repeat(70), 60)).isEqualTo("?".repeat(60) + "...");
    }
}
