package sai.gateway.error;

import jakarta.inject.Singleton;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/** Client-facing message texts in Spanish (the old gateway's language) and English. */
@Singleton
public class ErrorMessages {

    private static final String BUNDLE = "i18n.messages";
    private static final Locale SPANISH = Locale.forLanguageTag("es");

    public String format(String key, Locale locale, Object... args) {
        ResourceBundle bundle = bundle(locale);
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            pattern = bundle.getString("internal_error");
        }
        return args.length == 0 ? pattern : String.format(Locale.ROOT, pattern, args);
    }

    private static ResourceBundle bundle(Locale locale) {
        Locale effective = "en".equals(locale.getLanguage()) ? Locale.ENGLISH : SPANISH;
        // NO_FALLBACK: the JVM's default locale must not decide which language clients read.
        return ResourceBundle.getBundle(BUNDLE, effective, ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }
}
