package sai.gateway.ui;

import io.micronaut.context.MessageSource;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.i18n.ResourceBundleMessageSource;
import jakarta.inject.Singleton;
import sai.gateway.database.TenancyEnabled;

/** The dashboard's words, {@code i18n/ui_es.properties} and {@code i18n/ui_en.properties}, for Thymeleaf's {@code #{...}}. */
@Factory
@Requires(condition = TenancyEnabled.class)
class UiMessagesFactory {

    static final String BUNDLE = "i18n.ui";

    @Singleton
    MessageSource uiMessages() {
        return new ResourceBundleMessageSource(BUNDLE);
    }
}
