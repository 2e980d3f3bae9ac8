package sai.gateway.config;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What makes a setting's value valid. {@link #problem} answers with the rest of the sentence that
 * follows the variable's name ("must be a whole number of seconds, ..., for example 600"), or null when
 * the value is fine. The value is the text the environment gave, before any conversion, so that
 * {@code REQUEST_TIMEOUT=abc} is reported as such instead of as a failed binding somewhere inside the
 * framework.
 */
@FunctionalInterface
public interface SettingRule {

    @Nullable
    String problem(String value);

    /** An empty value is accepted (the feature stays off); anything else must pass {@code rule}. */
    static SettingRule optional(SettingRule rule) {
        return value -> value.isBlank() ? null : rule.problem(value);
    }

    static SettingRule required(String whatToSet, String example, SettingRule rule) {
        return value -> value.isBlank() ? "is required: set it to " + whatToSet + ", for example " + example : rule.problem(value);
    }

    static SettingRule anyText() {
        return value -> null;
    }

    /**
     * An http(s) URL the client can call, parsed by {@link URI} as the HTTP client will: it needs a host and a
     * usable port, and since {@code appended} (a path) is added to its end, a query or fragment would end up
     * in the middle of the address. The value itself is never part of the sentence.
     */
    static SettingRule httpUrl(String example, String appended) {
        return value -> {
            String url = value.strip();
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                return "must be an http:// or https:// URL, for example " + example;
            }
            URI uri;
            try {
                // -1 is Micronaut's "any free port", which PORT's rule accepts too; the demo's SAI_URL is the gateway's own
                // address (application-demo.yml) and holds it until the server has bound a port.
                uri = URI.create(url.replaceFirst("^(https?://[^/?#]*):-1(?=[/?#]|$)", "$1"));
            } catch (IllegalArgumentException e) {
                return "is not a valid URL (for example " + example + ")";
            }
            // URI reads an authority it cannot take apart (h_x, or a port beyond int) as having no host, as the client does.
            long port = uri.getHost() != null ? uri.getPort() : trailingPort(uri.getRawAuthority());
            if (port == 0 || port > 65535) {
                return "must have a port from 1 to 65535, or none, for example " + example;
            }
            if (uri.getHost() == null) {
                return "must name a host (letters, digits, dots and hyphens) after the scheme, for example " + example;
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return "must not have a query (?...) or a fragment (#...): " + appended + " is added to its end, for example " + example;
            }
            return null;
        };
    }

    /** The number after the authority's last colon (Long.MAX_VALUE when too long to be one), or -1 when there is none. */
    private static long trailingPort(@Nullable String authority) {
        int colon = authority == null ? -1 : authority.lastIndexOf(':');
        String digits = colon < 0 ? "" : authority.substring(colon + 1);
        if (!digits.matches("\\d+")) {
            return -1;
        }
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** A URI whose scheme is one of {@code schemes}, compared as written: the client that reads it does the same. */
    static SettingRule uriWithScheme(String example, List<String> schemes) {
        String expected = "must be a URL starting with " + schemes.stream().map(s -> s + "://").collect(Collectors.joining(", "))
                + " (in lower case), for example " + example;
        return value -> {
            String scheme;
            try {
                scheme = URI.create(value.strip()).getScheme();
            } catch (IllegalArgumentException e) {
                scheme = null;
            }
            return scheme != null && schemes.contains(scheme) ? null : expected;
        };
    }

    /** Digits only: {@code 1.5}, {@code 10s} or {@code 1e3} are refused rather than guessed at. */
    static SettingRule wholeNumber(long min, long max, String unit, String example) {
        return wholeNumber(min, max, unit, "", example);
    }

    /** {@code note} explains a special value, for example what 0 means. */
    static SettingRule wholeNumber(long min, long max, String unit, String note, String example) {
        // Integer.MAX_VALUE and Long.MAX_VALUE say "no upper limit"; any other bound is stated, however large.
        String range = max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? ", at least " + min : " from " + min + " to " + max;
        String expected = "must be a whole number" + (unit.isEmpty() ? "" : " of " + unit) + range
                + (note.isEmpty() ? "" : " (" + note + ")") + ", for example " + example;
        return value -> {
            String digits = value.strip();
            if (!digits.matches("-?\\d{1,18}")) {
                return expected;
            }
            long number = Long.parseLong(digits);
            return number < min || number > max ? expected : null;
        };
    }

    /**
     * Micronaut's duration format ({@code 500ms}, {@code 2s}, {@code 5m}, or ISO-8601 such as {@code PT0.5S}), not
     * negative and at most {@code max}: beyond a sensible maximum a duration only overflows where it is used
     * (in nanoseconds, about 292 years, or in Netty's int milliseconds), at the first request instead of at startup.
     */
    static SettingRule duration(Duration max, String example) {
        String expected = "must be a duration of at most " + shown(max) + ", a whole number followed by ms, s, m or h, for example " + example;
        return value -> {
            Duration duration = ConversionService.SHARED.convert(value.strip(), Duration.class).orElse(null);
            return duration == null || duration.isNegative() || duration.compareTo(max) > 0 ? expected : null;
        };
    }

    /** A duration as {@link #duration}, and more than zero: a pause or a time limit of nothing would mean no pause or no limit. */
    static SettingRule positiveDuration(Duration max, String example) {
        String expected = "must be a duration above zero and at most " + shown(max)
                + ", a whole number followed by ms, s, m or h, for example " + example;
        return value -> {
            Duration duration = ConversionService.SHARED.convert(value.strip(), Duration.class).orElse(null);
            return duration == null || duration.isNegative() || duration.isZero() || duration.compareTo(max) > 0 ? expected : null;
        };
    }

    /** A maximum as the operator would write it: {@code 24h}, {@code 90m}, {@code 30s}. */
    private static String shown(Duration max) {
        if (max.toSeconds() % 3600 == 0 && max.toNanosPart() == 0) {
            return max.toHours() + "h";
        }
        return max.toSeconds() % 60 == 0 && max.toNanosPart() == 0 ? max.toMinutes() + "m" : max.toMillis() + "ms";
    }

    /** One of a few words; {@code ignoreCase} where the binding lower-cases the value itself. */
    static SettingRule oneOf(boolean ignoreCase, String... words) {
        List<String> allowed = List.of(words);
        String expected = "must be " + (words.length == 2 ? words[0] + " or " + words[1]
                : String.join(", ", Arrays.copyOf(words, words.length - 1)) + " or " + words[words.length - 1]);
        return value -> {
            String word = ignoreCase ? value.strip().toLowerCase(Locale.ROOT) : value.strip();
            return allowed.contains(word) ? null : expected;
        };
    }

    /**
     * {@code true} or {@code false}, in any case. Stricter than the framework, which reads {@code yes}, {@code y}
     * and {@code on} as true and every other word as false: {@code METRICS_ENABLED=1}, {@code =enabled} or
     * {@code =ture} would otherwise switch metrics off without a word, and a value that means true to one
     * reader and false to another has no place in an environment file.
     */
    static SettingRule bool() {
        return value -> {
            String word = value.strip();
            return word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false") ? null : "must be true or false";
        };
    }

    /** A comma-separated list with at least one non-blank entry. */
    static SettingRule nonEmptyList(String what, String example) {
        return value -> Arrays.stream(value.split(",")).anyMatch(s -> !s.isBlank()) ? null
                : "must list at least one " + what + " (comma-separated), for example " + example;
    }
}
