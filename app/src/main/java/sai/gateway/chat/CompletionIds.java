package sai.gateway.chat;

import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code chatcmpl-} ids. They only need to be unique, not secret, so they come from the thread-local
 * generator rather than {@code UUID.randomUUID()}, whose shared SecureRandom is a point of contention under load.
 */
final class CompletionIds {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int LENGTH = 29;

    private CompletionIds() {
    }

    static String next(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix.length() + LENGTH).append(prefix);
        for (int i = 0; i < LENGTH; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
