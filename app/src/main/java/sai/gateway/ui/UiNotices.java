package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;

import java.util.Set;

/**
 * What a change's redirect tells the page it lands on ({@code &done=saved}): only these words, each a message key
 * {@code notice.<word>}, so the address cannot put any other text on the page.
 */
final class UiNotices {

    static final Set<String> KNOWN = Set.of("created", "saved", "revoked");

    private UiNotices() {
    }

    @Nullable
    static String of(@Nullable String done) {
        return done != null && KNOWN.contains(done) ? "notice." + done : null;
    }
}
