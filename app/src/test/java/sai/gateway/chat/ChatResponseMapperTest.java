package sai.gateway.chat;

import org.junit.jupiter.api.Test;
import sai.gateway.openai.ChatCompletion;
import sai.gateway.openai.ChatCompletionChunk;
import sai.gateway.openai.Usage;
import sai.gateway.sai.SaiAnswer;
import sai.gateway.exchange.Envelope;
import sai.gateway.exchange.TextPieces;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SAI's whole answer as an OpenAI completion, or cut into stream chunks a client can render as they come. */
class ChatResponseMapperTest {

    private static final Envelope ENVELOPE = new Envelope("chatcmpl-abc", 1_732_240_000L, "sai-model");
    private static final int CHUNK = TextPieces.CHUNK_CHARS;
    private static final String EMOJI = "\uD83D\uDE00"; // one code point, two chars

    @Test
    void completionCarriesTheAnswerUsageAndFinishReason() {
        ChatCompletion completion = ChatResponseMapper.completion(ENVELOPE, "Hola", "stop", Usage.of(12, 3));

        assertThat(completion.id()).isEqualTo("chatcmpl-abc");
        assertThat(completion.object()).isEqualTo("chat.completion");
        assertThat(completion.created()).isEqualTo(1_732_240_000L);
        assertThat(completion.model()).isEqualTo("sai-model");
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.index()).isZero();
            assertThat(choice.message().role()).isEqualTo("assistant");
            assertThat(choice.message().content()).isEqualTo("Hola");
            assertThat(choice.finishReason()).isEqualTo("stop");
        });
        assertThat(completion.usage()).isEqualTo(new Usage(12, 3, 15));
    }

    @Test
    void usageComesFromSaiHeaders() {
        assertThat(ChatResponseMapper.usage(new SaiAnswer("x", 7, 5, null))).isEqualTo(new Usage(7, 5, 12));
    }

    @Test
    void roleChunkAnnouncesTheAssistantWithoutContent() {
        ChatCompletionChunk chunk = ChatResponseMapper.roleChunk(ENVELOPE);

        assertEnvelope(chunk);
        assertThat(chunk.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.delta().role()).isEqualTo("assistant");
            assertThat(choice.delta().content()).isEmpty();
            assertThat(choice.finishReason()).isNull();
        });
        assertThat(chunk.usage()).isNull();
    }

    @Test
    void shortAnswerIsOneContentChunkThenTheFinishChunk() {
        List<ChatCompletionChunk> chunks = ChatResponseMapper.contentChunks(ENVELOPE, "Quito", "stop");

        assertThat(chunks).hasSize(2);
        chunks.forEach(this::assertEnvelope);
        assertThat(chunks.get(0).choices().get(0).delta().content()).isEqualTo("Quito");
        assertThat(chunks.get(0).choices().get(0).finishReason()).isNull();
        assertFinish(chunks.get(1), "stop");
    }

    @Test
    void longAnswerIsCutIntoPiecesOfAtMostTheChunkSize() {
        String text = "a".repeat(CHUNK) + "b".repeat(CHUNK) + "c";

        List<ChatCompletionChunk> chunks = ChatResponseMapper.contentChunks(ENVELOPE, text, "length");

        assertThat(chunks).hasSize(4);
        assertThat(content(chunks.get(0))).isEqualTo("a".repeat(CHUNK));
        assertThat(content(chunks.get(1))).isEqualTo("b".repeat(CHUNK));
        assertThat(content(chunks.get(2))).isEqualTo("c");
        assertFinish(chunks.get(3), "length");
    }

    @Test
    void exactMultipleOfTheChunkSizeHasNoEmptyPiece() {
        assertThat(TextPieces.split("x".repeat(2 * CHUNK))).hasSize(2).allSatisfy(p -> assertThat(p).hasSize(CHUNK));
    }

    @Test
    void emptyAnswerHasOnlyTheFinishChunk() {
        List<ChatCompletionChunk> chunks = ChatResponseMapper.contentChunks(ENVELOPE, "", "error");

        assertThat(chunks).singleElement().satisfies(chunk -> assertFinish(chunk, "error"));
    }

    @Test
    void surrogatePairOnTheBoundaryIsNeverSplit() {
        // The emoji's high surrogate is the last char that would fit in the first piece.
        String text = "a".repeat(CHUNK - 1) + EMOJI + "z";

        List<String> pieces = TextPieces.split(text);

        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo("a".repeat(CHUNK - 1));
        assertThat(pieces.get(1)).isEqualTo(EMOJI + "z");
        assertThat(String.join("", pieces)).isEqualTo(text);
    }

    @Test
    void textMadeOfSurrogatePairsIsCutOnlyBetweenCodePoints() {
        // An odd offset puts a pair across every boundary.
        String text = "a" + EMOJI.repeat(2 * CHUNK);

        List<String> pieces = TextPieces.split(text);

        assertThat(String.join("", pieces)).isEqualTo(text);
        for (String piece : pieces) {
            assertThat(piece.length()).isBetween(1, CHUNK);
            assertThat(Character.isLowSurrogate(piece.charAt(0))).as("piece starts with a low surrogate").isFalse();
            assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as("piece ends with a high surrogate").isFalse();
        }
    }

    @Test
    void usageChunkHasNoChoicesAndTheUsage() {
        ChatCompletionChunk chunk = ChatResponseMapper.usageChunk(ENVELOPE, Usage.of(9, 4));

        assertEnvelope(chunk);
        assertThat(chunk.choices()).isEmpty();
        assertThat(chunk.usage()).isEqualTo(new Usage(9, 4, 13));
    }

    private void assertEnvelope(ChatCompletionChunk chunk) {
        assertThat(chunk.id()).isEqualTo("chatcmpl-abc");
        assertThat(chunk.object()).isEqualTo("chat.completion.chunk");
        assertThat(chunk.created()).isEqualTo(1_732_240_000L);
        assertThat(chunk.model()).isEqualTo("sai-model");
    }

    private static void assertFinish(ChatCompletionChunk chunk, String reason) {
        assertThat(chunk.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.finishReason()).isEqualTo(reason);
            assertThat(choice.delta().content()).isNull();
            assertThat(choice.delta().role()).isNull();
        });
        assertThat(chunk.usage()).isNull();
    }

    private static String content(ChatCompletionChunk chunk) {
        return chunk.choices().get(0).delta().content();
    }
}
