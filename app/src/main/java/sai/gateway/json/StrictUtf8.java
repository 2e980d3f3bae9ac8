package sai.gateway.json;

/**
 * Whether request bytes are well-formed UTF-8 (RFC 3629, the table of section 4). Jackson's byte parser is
 * lenient: it decodes overlong forms ({@code C0 AF} and {@code E0 80 AF} become {@code /}, which is how
 * path and filter checks are dodged), code points above U+10FFFF and encoded surrogates (both become lone
 * surrogates). It also guesses UTF-16 and UTF-32 from NUL bytes, which no JSON text in UTF-8 contains (a
 * control character must be escaped inside a string), so a raw NUL is refused here too.
 *
 * <p>A JSON string can also spell a lone surrogate as an escape (<code>"&#92;ud800"</code>), which Jackson decodes as
 * is and re-escapes towards SAI; an escaped surrogate must be a high one followed at once by an escaped low one.
 * Checked in the same loop, since in well-formed UTF-8 nothing but an escape can produce a surrogate.
 *
 * <p>One pass, no allocation, ASCII first: this runs on every request body before the parse.
 */
public final class StrictUtf8 {

    private static final int NOT_SURROGATE = 0;
    private static final int HIGH_SURROGATE = 1;
    private static final int LOW_SURROGATE = 2;

    private StrictUtf8() {
    }

    public static boolean isWellFormed(byte[] bytes) {
        return firstProblem(bytes) < 0;
    }

    /**
     * The index of the first byte that is not well-formed UTF-8, or of the backslash of an unpaired surrogate escape;
     * -1 when there is none. Outside a JSON string a backslash is a syntax error the parser reports anyway.
     */
    public static int firstProblem(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b > 0) {
                if (b != '\\' || i + 1 == n) {
                    i++;
                } else if (bytes[i + 1] != 'u') {
                    // \\, \" and the like take their second byte along, so an escaped backslash never starts an escape;
                    // a non-ASCII byte after a backslash is left to the checks below.
                    i += bytes[i + 1] > 0 ? 2 : 1;
                } else {
                    int escaped = surrogateEscape(bytes, i);
                    if (escaped == LOW_SURROGATE || (escaped == HIGH_SURROGATE && surrogateEscape(bytes, i + 6) != LOW_SURROGATE)) {
                        return i;
                    }
                    i += escaped == HIGH_SURROGATE ? 12 : 2;
                }
                continue;
            }
            if (b == 0) {
                return i;
            }
            int lead = b & 0xff;
            int length;
            int secondMin = 0x80;
            int secondMax = 0xbf;
            if (lead >= 0xc2 && lead <= 0xdf) {
                length = 2;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                length = 3;
                if (lead == 0xe0) {
                    secondMin = 0xa0; // below: overlong
                } else if (lead == 0xed) {
                    secondMax = 0x9f; // above: a surrogate, U+D800..U+DFFF
                }
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                length = 4;
                if (lead == 0xf0) {
                    secondMin = 0x90; // below: overlong
                } else if (lead == 0xf4) {
                    secondMax = 0x8f; // above: past U+10FFFF
                }
            } else {
                // A continuation byte without a lead, C0/C1 (always overlong), or F5..FF (never valid).
                return i;
            }
            if (i + length > n) {
                return i;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < secondMin || second > secondMax) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xc0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }

    /** Whether <code>&#92;uXXXX</code> at {@code at} (four ASCII hex digits) escapes a high or a low surrogate. */
    private static int surrogateEscape(byte[] bytes, int at) {
        if (at + 6 > bytes.length || bytes[at] != '\\' || bytes[at + 1] != 'u' || (bytes[at + 2] | 0x20) != 'd') {
            return NOT_SURROGATE;
        }
        for (int k = at + 3; k < at + 6; k++) {
            if (Character.digit(bytes[k], 16) < 0) {
                return NOT_SURROGATE;
            }
        }
        int third = Character.digit(bytes[at + 3], 16);
        return third < 8 ? NOT_SURROGATE : third < 0xc ? HIGH_SURROGATE : LOW_SURROGATE;
    }
}
