package sai.gateway.tenancy;

import io.micronaut.core.annotation.Nullable;
import sai.gateway.secrets.Secret;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The tenants and keys {@code GATEWAY_CONFIG_FILE} declares, as read and checked by {@link ConfigFileParser}: every
 * secret already read (never the literal one in the file) and every field the file leaves out null, which leaves
 * it as it is in the database. {@code path} is where the entry is in the file ({@code tenants[0].keys[1]}) and
 * {@code lines} the line of each field written, so a refusal from {@link TenancyAdmin} can name both.
 */
record ConfigFile(List<DeclaredTenant> tenants) {

    /** @param saiKeyField the field that named the tenant's SAI key ({@code sai_api_key_file} or {@code _env}), if one did */
    record DeclaredTenant(String path, int line, Map<String, Integer> lines, String name, @Nullable List<String> allowedModels,
                          @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute, @Nullable Long tokensPerDay,
                          @Nullable Long tokensPerMonth, @Nullable Secret saiKey, @Nullable String saiKeyField,
                          List<DeclaredKey> keys) {

        @Override
        public String toString() {
            return "DeclaredTenant[" + path + ", " + name + "]";
        }
    }

    /**
     * @param owner     "" when the file clears it
     * @param expiresAt {@link Instant#EPOCH} when the file says it never expires (as {@link KeyChange} takes it)
     * @param keyHash   the SHA-256 (hex) of the key's secret, when the file declares one
     * @param plainKey  the secret itself, when the file names where to read it (for the display prefix)
     * @param keyField  the field that declared the secret
     */
    record DeclaredKey(String path, int line, Map<String, Integer> lines, String name, @Nullable String owner,
                       @Nullable List<String> allowedModels, @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute,
                       @Nullable Long tokensPerDay, @Nullable Long tokensPerMonth, @Nullable Instant expiresAt,
                       @Nullable Boolean revoked, @Nullable String keyHash, @Nullable Secret plainKey, @Nullable String keyField) {

        @Override
        public String toString() {
            return "DeclaredKey[" + path + ", " + name + "]";
        }
    }
}
