package sai.gateway.exchange;

import java.util.ArrayList;
import java.util.List;

/** SAI does not stream; its text is cut into pieces so clients render it progressively, without thousands of events. */
public final class TextPieces {

    public static final int CHUNK_CHARS = 512;

    private TextPieces() {
    }

    /** Cuts on code point boundaries so no piece carries half a surrogate pair. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>(text.length() / CHUNK_CHARS + 1);
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + CHUNK_CHARS);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
