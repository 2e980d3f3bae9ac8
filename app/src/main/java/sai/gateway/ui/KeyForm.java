package sai.gateway.ui;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.ModelBudget;
import sai.gateway.tenancy.VirtualKeyRow;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key form (new key, and a key's edit): its fields to and from a {@link KeyChange}. The expiry is a date: the key
 * stops working at 00:00 UTC that day; an edit that leaves the date as shown keeps the exact expiry the key has.
 */
final class KeyForm {

    static final String TENANT = "tenant_id";
    static final String NAME = "name";
    static final String OWNER = "owner";
    static final String EXPIRES = "expires_on";

    private KeyForm() {
    }

    static UiFormState blank(String prefix, @Nullable String tenantId) {
        UiFormState form = new UiFormState(prefix).put(TENANT, tenantId).put(NAME, "").put(OWNER, "").put(EXPIRES, "");
        UiLimitFields.LIMITS.forEach(limit -> form.put(limit, 0));
        return form;
    }

    static UiFormState of(VirtualKeyRow key, String prefix) {
        UiFormState form = new UiFormState(prefix).put(TENANT, key.tenantId()).put(NAME, key.name())
                .put(OWNER, key.owner() == null ? "" : key.owner()).put(EXPIRES, date(key.expiresAt()));
        UiLimitFields.fill(form, key.limits(), key.models(), key.modelBudgets());
        return form;
    }

    static UiFormState typed(UiFormFields fields, List<String> offered, String prefix) {
        UiFormState form = new UiFormState(prefix).put(TENANT, fields.text(TENANT)).put(NAME, fields.text(NAME))
                .put(OWNER, fields.text(OWNER)).put(EXPIRES, fields.text(EXPIRES));
        UiLimitFields.typed(form, fields, offered);
        return form;
    }

    /**
     * The change the form asks for, every field set; null when {@code form} got a problem to show. {@code current}:
     * the key being edited (null for a new one), whose expiry an unchanged date keeps and an empty one removes.
     */
    @Nullable
    static KeyChange read(UiFormFields fields, List<String> offered, UiFormState form, Locale locale, @Nullable VirtualKeyRow current) {
        Long[] limits = UiLimitFields.limits(fields, form, locale);
        Map<String, ModelBudget> budgets = UiLimitFields.budgets(fields, form, offered, locale);
        Instant expires = expiry(fields.text(EXPIRES), form, current);
        if (form.hasErrors()) {
            return null;
        }
        return new KeyChange(current == null ? fields.text(TENANT) : null, fields.text(NAME), fields.text(OWNER),
                fields.all(UiLimitFields.MODELS), limits[0], limits[1], limits[2], limits[3], expires, null, budgets);
    }

    /** For {@link KeyChange}: null keeps (or, for a new key, means none), the epoch removes. */
    @Nullable
    private static Instant expiry(String text, UiFormState form, @Nullable VirtualKeyRow current) {
        if (text.isEmpty()) {
            return current == null || current.expiresAt() == null ? null : Instant.EPOCH;
        }
        if (current != null && text.equals(date(current.expiresAt()))) {
            return null;
        }
        try {
            LocalDate day = LocalDate.parse(text);
            // The epoch would read as "no expiry", and before it no key was ever made.
            if (day.isAfter(LocalDate.EPOCH)) {
                return day.atStartOfDay(ZoneOffset.UTC).toInstant();
            }
        } catch (DateTimeParseException e) {
            // refused below, as any other text that is not a date
        }
        form.error(EXPIRES, UiError.of("error.date"));
        return null;
    }

    /** The UTC date of an expiry, as a date field holds it ({@code yyyy-MM-dd}); "" for none. */
    static String date(@Nullable Instant at) {
        return at == null ? "" : LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
    }
}
