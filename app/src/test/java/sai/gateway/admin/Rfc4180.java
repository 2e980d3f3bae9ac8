package sai.gateway.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader for the tests: every record ends with CRLF, a quoted field's quotes are doubled, and
 * anything else (a bare LF, a quote inside an unquoted field, text after a closing quote) fails the test.
 */
public final class Rfc4180 {

    private Rfc4180() {
    }

    public static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            boolean quoted = text.charAt(i) == '"';
            if (quoted) {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("unterminated quoted field at " + i);
                    }
                    char c = text.charAt(i++);
                    if (c == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\r') {
                    char c = text.charAt(i++);
                    if (c == '"' || c == '\n') {
                        throw new IllegalArgumentException("unquoted field holds " + (c == '"' ? "a quote" : "a bare LF") + " at " + (i - 1));
                    }
                    field.append(c);
                }
            }
            record.add(field.toString());
            field.setLength(0);
            if (i >= text.length()) {
                throw new IllegalArgumentException("the last record does not end with CRLF");
            }
            char separator = text.charAt(i);
            if (separator == ',') {
                i++;
            } else if (separator == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                i += 2;
                records.add(List.copyOf(record));
                record.clear();
            } else {
                throw new IllegalArgumentException("expected , or CRLF at " + i + ", found " + (int) separator);
            }
        }
        return records;
    }
}
