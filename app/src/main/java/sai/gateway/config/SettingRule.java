package sai.gateway.config;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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

    /** Parsed by {@link URI}, as the HTTP client will; only the scheme is demanded, the host is SAI's business. */
    static SettingRule httpUrl(String example) {
        return value -> {
            String url = value.strip();
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                return "must be an http:// or https:// URL, for example " + example;
            }
            try {
                URI.create(url);
                return null;
            } catch (IllegalArgumentException e) {
                return "is not a valid URL (for example " + example + ")";
            }
        };
    }

    static SettingRule uriWithScheme(String example, String... schemes) {
        List<String> allowed = List.of(schemes);
        return value -> {
            String scheme;
            try {
                scheme = URI.create(value.strip()).getScheme();
            } catch (IllegalArgumentException e) {
                scheme = null;
            }
            return scheme != null && allowed.contains(scheme.toLowerCase(Locale.ROOT)) ? null
                    : "must be a " + String.join(":// or ", allowed) + ":// URL, for example " + example;
        };
    }

    /** Digits only: {@code 1.5}, {@code 10s} or {@code 1e3} are refused rather than guessed at. */
    static SettingRule wholeNumber(long min, long max, String unit, String example) {
        return wholeNumber(min, max, unit, "", example);
    }

    /** {@code note} explains a special value, for example what 0 means. */
    static SettingRule wholeNumber(long min, long max, String unit, String note, String example) {
        String range = max >= Integer.MAX_VALUE ? ", at least " + min : " from " + min + " to " + max;
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

    /** Micronaut's duration format ({@code 500ms}, {@code 2s}, {@code 5m}, or ISO-8601 such as {@code PT0.5S}), not negative. */
    static SettingRule duration(String example) {
        String expected = "must be a duration, a whole number followed by ms, s, m or h, for example " + example;
        return value -> {
            Duration duration = ConversionService.SHARED.convert(value.strip(), Duration.class).orElse(null);
            return duration == null || duration.isNegative() ? expected : null;
        };
    }

    /** A duration as {@link #duration}, and more than zero: a pause or a time limit of nothing would mean no pause or no limit. */
    static SettingRule positiveDuration(String example) {
        String expected = "must be a duration above zero, a whole number followed by ms, s, m or h, for example " + example;
        return value -> {
            Duration duration = ConversionService.SHARED.convert(value.strip(), Duration.class).orElse(null);
            return duration == null || duration.isNegative() || duration.isZero() ? expected : null;
        };
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
     * {@code true} or {@code false}, in any case. Stricter than the framework, which reads any other word as
     * false: {@code METRICS_ENABLED=yes} or {@code =ture} would otherwise switch metrics off without a word.
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
