package sai.gateway.json;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator agrees with the JDK's strict UTF-8 decoder on every sequence of one and two bytes, every
 * three-byte sequence with a three-byte lead, and four-byte sequences around each boundary; it differs only
 * on NUL, which it refuses on purpose (no UTF-8 JSON text contains one raw). Escapes of surrogates must pair up.
 */
class StrictUtf8Test {

    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    @Test
    void theIssuesSamplesAreRefused() {
        assertThat(StrictUtf8.isWellFormed(bytes(0xc0, 0xaf))).as("overlong /").isFalse();
        assertThat(StrictUtf8.isWellFormed(bytes(0xe0, 0x80, 0xaf))).as("overlong /").isFalse();
        assertThat(StrictUtf8.isWellFormed(bytes(0xf0, 0x80, 0x80, 0xaf))).as("overlong /").isFalse();
        assertThat(StrictUtf8.isWellFormed(bytes(0xf4, 0x90, 0x80, 0x80))).as("U+110000").isFalse();
        assertThat(StrictUtf8.isWellFormed(bytes(0xed, 0xa0, 0x80))).as("U+D800").isFalse();
        assertThat(StrictUtf8.isWellFormed(bytes('{', 0))).as("NUL").isFalse();
    }

    @Test
    void realTextIsAccepted() {
        assertThat(StrictUtf8.isWellFormed("{\"content\":\"Hola, ¿qué tal? 你好 😀 \\u0000\"}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(StrictUtf8.isWellFormed(bytes(0xf4, 0x8f, 0xbf, 0xbf))).as("U+10FFFF").isTrue();
        assertThat(StrictUtf8.isWellFormed(bytes(0xef, 0xbb, 0xbf, '{', '}'))).as("a byte order mark").isTrue();
        assertThat(StrictUtf8.isWellFormed(new byte[0])).isTrue();
    }

    @Test
    void anEscapedSurrogateMustBeAHighOneFollowedByALowOne() {
        assertThat(StrictUtf8.isWellFormed(ascii("{\"c\":\"\\ud83d\\ude00\"}"))).as("an escaped pair").isTrue();
        assertThat(StrictUtf8.isWellFormed(ascii("{\"c\":\"\\uD83D\\uDE00 \\uDBFF\\uDFFF\"}"))).as("upper case, U+10FFFF").isTrue();
        assertThat(StrictUtf8.isWellFormed(ascii("{\"c\":\"\\\\ud800\"}"))).as("an escaped backslash, then text").isTrue();
        assertThat(StrictUtf8.isWellFormed(ascii("{\"c\":\"\\ud7ff\\ue000\\u0041\\\"\"}"))).as("next to the surrogates").isTrue();

        assertThat(StrictUtf8.firstProblem(ascii("{\"c\":\"\\ud800\"}"))).as("lone high").isEqualTo(6);
        assertThat(StrictUtf8.firstProblem(ascii("{\"c\":\"\\uDC00\"}"))).as("lone low").isEqualTo(6);
        assertThat(StrictUtf8.firstProblem(ascii("{\"c\":\"ab\\ude00\\ud83d\"}"))).as("a pair reversed").isEqualTo(8);
        assertThat(StrictUtf8.firstProblem(ascii("{\"c\":\"\\ud83d\\ud83d\\ude00\"}"))).as("two highs").isEqualTo(6);
        assertThat(StrictUtf8.firstProblem(ascii("{\"c\":\"\\\\\\ud800\"}"))).as("after an escaped backslash").isEqualTo(8);
        assertThat(StrictUtf8.firstProblem(ascii("\\ud83d"))).as("a high at the very end").isZero();
        assertThat(StrictUtf8.firstProblem(ascii("\\ud83d\\u"))).as("a cut-off low").isZero();
    }

    @Test
    void agreesWithTheJdkOnEverySequenceOfOneAndTwoBytes() {
        for (int a = 0; a < 256; a++) {
            assertAgrees(bytes(a));
            for (int b = 0; b < 256; b++) {
                assertAgrees(bytes(a, b));
            }
        }
    }

    @Test
    void agreesWithTheJdkOnEveryThreeByteSequenceWithAThreeByteLead() {
        for (int a = 0xe0; a <= 0xef; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c++) {
                    assertAgrees(bytes(a, b, c));
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnFourByteSequencesAroundEachBoundary() {
        int[] tails = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
        for (int a = 0xf0; a <= 0xff; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : tails) {
                    for (int d : tails) {
                        assertAgrees(bytes(a, b, c, d));
                    }
                }
            }
        }
    }

    private void assertAgrees(byte[] sequence) {
        boolean expected = jdkAccepts(sequence) && !containsNul(sequence);
        if (StrictUtf8.isWellFormed(sequence) != expected) {
            throw new AssertionError("disagrees with the JDK on " + hex(sequence) + ": JDK says " + expected);
        }
    }

    private boolean jdkAccepts(byte[] sequence) {
        try {
            jdk.reset().decode(ByteBuffer.wrap(sequence));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean containsNul(byte[] sequence) {
        for (byte b : sequence) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static String hex(byte[] sequence) {
        StringBuilder text = new StringBuilder();
        for (byte b : sequence) {
            text.append(String.format("%02X ", b & 0xff));
        }
        return text.toString().trim();
    }
}
