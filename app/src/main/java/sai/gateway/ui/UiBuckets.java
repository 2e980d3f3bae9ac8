package sai.gateway.ui;

import java.time.Duration;
import java.util.Locale;

/** A bucket's length in words ("15 minutes", "1 day"), for the charts' captions and labels. */
final class UiBuckets {

    private UiBuckets() {
    }

    static String words(Duration bucket, UiText text, Locale locale) {
        long seconds = bucket.getSeconds();
        if (seconds % 86_400 == 0) {
            return count(seconds / 86_400, "unit.day", "unit.days", text, locale);
        }
        if (seconds % 3_600 == 0) {
            return count(seconds / 3_600, "unit.hour", "unit.hours", text, locale);
        }
        return count(seconds / 60, "unit.minute", "unit.minutes", text, locale);
    }

    private static String count(long n, String one, String many, UiText text, Locale locale) {
        return n == 1 ? text.get(locale, one) : text.get(locale, many, n);
    }
}
