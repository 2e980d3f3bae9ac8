package sai.gateway.translate;

import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;

/**
 * The old gateway's estimate, kept so the same conversations are refused: one token per four
 * characters, over everything the model will read.
 */
public final class ContextBudget {

    private ContextBudget() {
    }

    public static long estimateTokens(long characters) {
        return (characters + 3) / 4;
    }

    /** Over the limit, the answer is known without asking SAI. */
    public static void enforce(long estimatedTokens, int maxContextTokens) {
        if (estimatedTokens > maxContextTokens) {
            throw InvalidRequestException.keyed(ErrorCode.CONTEXT_LENGTH_EXCEEDED, "context_length_exceeded", "messages",
                    estimatedTokens, maxContextTokens);
        }
    }
}
