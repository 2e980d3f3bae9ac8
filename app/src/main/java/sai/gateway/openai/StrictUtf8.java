package sai.gateway.openai;

/**
 * Whether request bytes are well-formed UTF-8 (RFC 3629, the table of section 4). Jackson's byte parser is
 * lenient: it decodes overlong forms ({@code C0 AF} and {@code E0 80 AF} become {@code /}, which is how
 * path and filter checks are dodged), code points above U+10FFFF and encoded surrogates (both become lone
 * surrogates). It also guesses UTF-16 and UTF-32 from NUL bytes, which no JSON text in UTF-8 contains (a
 * control character must be escaped inside a string), so a raw NUL is refused here too.
 *
 * <p>One pass, no allocation, ASCII first: this runs on every request body before the parse.
 */
final class StrictUtf8 {

    private StrictUtf8() {
    }

    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b > 0) {
                i++;
                continue;
            }
            if (b == 0) {
                return false;
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
                return false;
            }
            if (i + length > n) {
                return false;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < secondMin || second > secondMax) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }
}
