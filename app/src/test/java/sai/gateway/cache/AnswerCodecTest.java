package sai.gateway.cache;

import org.junit.jupiter.api.Test;
import sai.gateway.sai.SaiAnswer;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Answers as Redis keeps them: read back exactly, compressed, and anything else is no entry rather than an error. */
class AnswerCodecTest {

    @Test
    void anAnswerComesBackExactlyWithOrWithoutItsModel() {
        SaiAnswer withModel = new SaiAnswer("Hola 👋 ñandú\n\u2028 \"quoted\"", 12, 3, "claude-x");
        SaiAnswer without = new SaiAnswer("", 0, 0, null);

        assertThat(AnswerCodec.decode(AnswerCodec.encode(withModel))).contains(withModel);
        assertThat(AnswerCodec.decode(AnswerCodec.encode(without))).contains(without);
    }

    @Test
    void textIsCompressed() {
        SaiAnswer answer = new SaiAnswer("The quick brown fox jumps over the lazy dog. ".repeat(500), 100, 200, "sai-model");

        byte[] value = AnswerCodec.encode(answer);

        assertThat(value.length).isLessThan(answer.text().length() / 10);
        assertThat(AnswerCodec.decode(value)).contains(answer);
    }

    @Test
    void aValueThatIsNotOneOfOursIsNoEntry() {
        byte[] good = AnswerCodec.encode(new SaiAnswer("some answer text", 1, 2, "m"));

        assertThat(AnswerCodec.decode(null)).isEmpty();
        assertThat(AnswerCodec.decode(new byte[0])).isEmpty();
        assertThat(AnswerCodec.decode("plain text from someone else".getBytes())).isEmpty();
        assertThat(AnswerCodec.decode(Arrays.copyOf(good, good.length - 3))).as("without its checksum").isEmpty();
        assertThat(AnswerCodec.decode(Arrays.copyOf(good, good.length / 2))).as("truncated").isEmpty();
        byte[] otherFormat = good.clone();
        otherFormat[0] = 2;
        assertThat(AnswerCodec.decode(otherFormat)).isEmpty();
        for (int at = 1; at < good.length; at++) {
            byte[] garbled = good.clone();
            garbled[at] ^= 0x5a;
            assertThat(AnswerCodec.decode(garbled)).as("byte %d altered", at).isEmpty();
        }
    }
}
