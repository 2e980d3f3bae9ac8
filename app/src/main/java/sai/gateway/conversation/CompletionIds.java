package sai.gateway.conversation;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code chatcmpl-} ids, and the other API surfaces' ({@code resp_}, {@code call_}, ...). They only need to be
 * unique, not secret, so they come from the thread-local generator rather than {@code UUID.randomUUID()}, whose shared SecureRandom is a point of contention under load.
 */
public final class CompletionIds {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int LENGTH = 29;

    private CompletionIds() {
    }

    public static String next(String prefix) {
        // ThreadLocalRandom's seeds come from the JVM's start; Lambda SnapStart restores many instances from one
        // snapshot, so the clock is mixed in to keep their sequences apart.
        SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong() ^ System.nanoTime());
        StringBuilder id = new StringBuilder(prefix.length() + LENGTH).append(prefix);
        for (int i = 0; i < LENGTH; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
