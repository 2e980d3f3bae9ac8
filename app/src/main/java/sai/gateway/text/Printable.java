package sai.gateway.text;

/**
 * Text someone else chose (a client's header or field, an operator's setting) echoed in a log line or an error
 * message: one line and bounded, so it can neither forge log lines nor flood them. Control characters, C1
 * included (U+0085 ends a line for some readers), become {@code ?}; past {@code maxChars} the text is cut and
 * ends with {@code ...}. A leaf package, so every feature package may use it without a cycle.
 */
public final class Printable {

    private Printable() {
    }

    public static String oneLine(String value, int maxChars) {
        int end = Math.min(value.length(), maxChars);
        StringBuilder replaced = null;
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (isControl(c)) {
                if (replaced == null) {
                    replaced = new StringBuilder(end + 3).append(value, 0, i);
                }
                replaced.append('?');
            } else if (replaced != null) {
                replaced.append(c);
            }
        }
        // The common case on the request path (a model id in every request's log line) allocates nothing.
        String head = replaced != null ? replaced.toString() : end == value.length() ? value : value.substring(0, end);
        return value.length() > maxChars ? head + "..." : head;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
