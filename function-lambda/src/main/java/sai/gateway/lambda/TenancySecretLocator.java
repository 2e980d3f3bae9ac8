package sai.gateway.lambda;

import io.micronaut.context.annotation.BootstrapContextCompatible;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.BootstrapPropertySourceLocator;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GATEWAY_ADMIN_KEY}, {@code GATEWAY_ENCRYPTION_KEY} and {@code DATABASE_PASSWORD} from the gateway's Secrets
 * Manager secret (optional fields of the same JSON object), as the properties {@code tenancy.admin-key},
 * {@code tenancy.encryption-key} and {@code tenancy.database-password}.
 *
 * <p>A property source, and one located in Micronaut's bootstrap context, because tenancy is switched on by a
 * condition on {@code tenancy.admin-key} (database.TenancyEnabled) that beans are checked against while the context
 * starts: a bean that filled the values in later (a listener replacing the TenancyConfiguration record) would come
 * after those checks, and an admin key held only in the secret would leave tenancy off. The bootstrap context runs
 * before the application's, sees the same settings (SAI_SECRET_ID through bootstrap.yml, plus whatever the builder
 * was given), and whatever it locates outranks application.yml and the environment.
 *
 * <p>Read once, at startup (so into a SnapStart snapshot; a new value takes a new published version). The document
 * read here travels with the property source so that {@link SecretsManagerSecretSource} starts from it instead of
 * reading the secret a second time. Values are never logged: which fields are set, at most.
 */
@Singleton
@BootstrapContextCompatible
@Requires(property = AwsSecretConfiguration.SECRET_ID, pattern = AwsSecretConfiguration.PRESENT)
final class TenancySecretLocator implements BootstrapPropertySourceLocator {

    /** Secret field to property, in the order they are reported. */
    static final Map<String, String> FIELDS = fields();
    static final String NAME = "aws-secrets-manager";
    /** Above every file and the environment (EnvironmentPropertySource is -200): the secret is where these live on Lambda. */
    static final int ORDER = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(TenancySecretLocator.class);

    private final AwsSecretConfiguration config;
    private final JsonMapper json;

    TenancySecretLocator(AwsSecretConfiguration config, JsonMapper json) {
        this.config = config;
        this.json = json;
    }

    @Override
    public Iterable<PropertySource> findPropertySources(Environment environment) {
        SecretDocument secret;
        try (SecretsManagerClient client = SecretsManagerClientFactory.build(config, SecretsManagerClientFactory.defaultCredentials())) {
            secret = SecretDocument.read(client, json, config.secretId());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> set = new ArrayList<>();
        List<String> overridden = new ArrayList<>();
        FIELDS.forEach((field, property) -> {
            Optional<String> value = secret.field(field);
            if (value.isPresent()) {
                properties.put(property, value.get());
                set.add(field);
                if (isSet(System.getenv(field)) || isSet(System.getenv(field + "_FILE"))) {
                    overridden.add(field);
                }
            }
        });
        if (!overridden.isEmpty()) {
            LOG.warn("[SECRETS] {} from the environment (or *_FILE) ignored: secret {} holds them", overridden, config.secretId());
        }
        if (!set.isEmpty()) {
            LOG.info("[SECRETS] tenancy settings from AWS Secrets Manager secret {} (version {}): {}", config.secretId(),
                    secret.versionId(), set);
        }
        return List.of(new SecretPropertySource(properties, secret));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("GATEWAY_ADMIN_KEY", "tenancy.admin-key");
        fields.put("GATEWAY_ENCRYPTION_KEY", "tenancy.encryption-key");
        fields.put("DATABASE_PASSWORD", "tenancy.database-password");
        return Collections.unmodifiableMap(fields);
    }

    /** The tenancy properties of the secret, and (not as a property) the document they came from. */
    static final class SecretPropertySource extends MapPropertySource {

        private final SecretDocument document;

        SecretPropertySource(Map<String, Object> properties, SecretDocument document) {
            super(NAME, properties);
            this.document = document;
        }

        SecretDocument document() {
            return document;
        }

        @Override
        public int getOrder() {
            return ORDER;
        }

        @Override
        public String toString() {
            return NAME + " " + asMap().keySet();
        }
    }
}
