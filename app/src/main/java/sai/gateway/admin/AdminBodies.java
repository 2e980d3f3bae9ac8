package sai.gateway.admin;

import sai.gateway.limits.RateCeilings;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.InvalidRequestException;
import sai.gateway.json.JsonFields;
import sai.gateway.json.JsonKind;
import sai.gateway.secrets.Secret;
import sai.gateway.tenancy.KeyChange;
import sai.gateway.tenancy.ModelBudget;
import sai.gateway.tenancy.TenantChange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the admin API's bodies as strictly as the gateway reads any body ({@link JsonFields}): a field of the wrong
 * type, a decimal or negative limit, or a field the operation does not know is a 400 naming it. Unknown fields are
 * refused rather than ignored: a misspelt {@code tokens_per_dya} must not leave a tenant without the budget meant.
 * A field that is absent or null is left as it is on an update.
 */
final class AdminBodies {

    static final List<String> LIMITS = List.of("requests_per_minute", "tokens_per_minute", "tokens_per_day", "tokens_per_month");
    static final List<String> TENANT_FIELDS = concat(List.of("name", "allowed_models"), LIMITS, List.of("model_budgets", "sai_api_key"));
    static final List<String> KEY_CREATE_FIELDS = concat(List.of("tenant_id", "name", "owner", "allowed_models"), LIMITS,
            List.of("model_budgets", "expires_at"));
    static final List<String> BUDGET_FIELDS = List.of("tokens_per_day", "tokens_per_month");
    static final List<String> KEY_UPDATE_FIELDS = concat(KEY_CREATE_FIELDS, List.of("revoked"));
    /** 9999-12-31T23:59:59Z: later than any expiry anyone means, and within what both databases store. */
    static final long MAX_EXPIRY = 253_402_300_799L;

    private AdminBodies() {
    }

    static TenantChange tenant(@Nullable byte[] body) {
        JsonNode root = object(body, TENANT_FIELDS);
        return new TenantChange(JsonFields.optionalString(root, "name"), models(root), count(root, LIMITS.get(0)),
                count(root, LIMITS.get(1)), count(root, LIMITS.get(2)), count(root, LIMITS.get(3)), saiKey(root), modelBudgets(root));
    }

    static KeyChange key(@Nullable byte[] body, boolean update) {
        JsonNode root = object(body, update ? KEY_UPDATE_FIELDS : KEY_CREATE_FIELDS);
        Long expires = whole(root, "expires_at", MAX_EXPIRY);
        JsonNode revoked = root.get("revoked");
        return new KeyChange(JsonFields.optionalString(root, "tenant_id"), JsonFields.optionalString(root, "name"),
                JsonFields.optionalString(root, "owner"), models(root), count(root, LIMITS.get(0)), count(root, LIMITS.get(1)),
                count(root, LIMITS.get(2)), count(root, LIMITS.get(3)), expires == null ? null : Instant.ofEpochSecond(expires),
                revoked == null || revoked.isNull() ? null : JsonFields.optionalBoolean(revoked, "revoked"), modelBudgets(root));
    }

    /** {@code {"model": {"tokens_per_day": n, "tokens_per_month": m}}}: the whole set (absent or null: unchanged; {} removes all). */
    @Nullable
    private static Map<String, ModelBudget> modelBudgets(JsonNode root) {
        JsonNode node = root.get("model_budgets");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw JsonFields.invalidType("model_budgets", "object", node);
        }
        Map<String, ModelBudget> budgets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            String model = JsonFields.printable(entry.getKey());
            String param = "model_budgets." + model;
            JsonNode budget = entry.getValue();
            if (!budget.isObject()) {
                throw JsonFields.invalidType(param, "object", budget);
            }
            for (Map.Entry<String, JsonNode> field : budget.entries()) {
                if (!BUDGET_FIELDS.contains(field.getKey())) {
                    String name = JsonFields.printable(field.getKey());
                    throw AdminRefusals.invalid(param + "." + name, "Unknown field '" + name + "'. Fields accepted here: "
                            + String.join(", ", BUDGET_FIELDS) + ".");
                }
            }
            Long perDay = whole(budget, "tokens_per_day", RateCeilings.PER_DAY);
            Long perMonth = whole(budget, "tokens_per_month", RateCeilings.PER_MONTH);
            budgets.put(entry.getKey(), new ModelBudget(perDay == null ? 0 : perDay, perMonth == null ? 0 : perMonth));
        }
        return budgets;
    }

    private static JsonNode object(@Nullable byte[] body, List<String> known) {
        JsonNode root = JsonFields.parse(body);
        if (!root.isObject()) {
            throw InvalidRequestException.keyed(ErrorCode.INVALID_JSON, "body_not_object", null, JsonKind.of(root));
        }
        for (Map.Entry<String, JsonNode> field : root.entries()) {
            if (!known.contains(field.getKey())) {
                String name = JsonFields.printable(field.getKey());
                throw AdminRefusals.invalid(name, "Unknown field '" + name + "'. Fields accepted here: " + String.join(", ", known) + ".");
            }
        }
        return root;
    }

    @Nullable
    private static Long count(JsonNode root, String name) {
        // The most a limit can be (RateCeilings): above it the key's or tenant's every request would fail to build its bucket.
        long max = switch (name) {
            case "tokens_per_day" -> RateCeilings.PER_DAY;
            case "tokens_per_month" -> RateCeilings.PER_MONTH;
            default -> RateCeilings.PER_MINUTE;
        };
        return whole(root, name, max);
    }

    /** A whole number from 0 to {@code max}: {@code 2.0} is 2, {@code 1.5}, {@code -1} and {@code "5"} are refused. */
    @Nullable
    private static Long whole(JsonNode root, String name, long max) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        JsonFields.integerRange(root, name, 0, max);
        return node.getNumberValue().longValue();
    }

    @Nullable
    private static List<String> models(JsonNode root) {
        JsonNode node = root.get("allowed_models");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw JsonFields.invalidType("allowed_models", "array of strings", node);
        }
        List<String> models = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode model = node.get(i);
            if (!model.isString()) {
                throw JsonFields.invalidType("allowed_models[" + i + "]", "string", model);
            }
            models.add(model.getStringValue());
        }
        return models;
    }

    /** Absent or null: unchanged; {@code ""}: removed. The key goes into an HTTP header to SAI, so it must be printable ASCII. */
    private static Optional<Secret> saiKey(JsonNode root) {
        String key = JsonFields.optionalString(root, "sai_api_key");
        if (key == null) {
            return Optional.empty();
        }
        String stripped = key.strip();
        if (stripped.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw AdminRefusals.invalid("sai_api_key", "sai_api_key may hold only printable ASCII without spaces (an HTTP header carries it).");
        }
        return Optional.of(Secret.of(stripped));
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }
}
