package sai.gateway.lambda;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.io.IOException;
import java.util.Optional;

/**
 * The gateway's secret as one JSON object, read with one GetSecretValue call (the SDK retries throttling and 5xx).
 * Shared by the two readers of the secret: {@link SecretsManagerSecretSource} (SAI credentials and access keys,
 * re-read while the function runs) and {@link TenancySecretLocator} (the tenancy settings, read once at startup).
 * Every failure is a {@link ConfigurationException} naming the secret and what is wrong, never quoting the content.
 */
final class SecretDocument {

    /** The fields the gateway reads, for the message of a malformed secret. */
    static final String EXPECTED = "Expected {\"SAI_KEY\": \"...\", \"SAI_COOKIE\": \"...\", \"GATEWAY_API_KEYS\": \"key1,key2\"}, "
            + "optionally with \"GATEWAY_ADMIN_KEY\", \"GATEWAY_ENCRYPTION_KEY\" and \"DATABASE_PASSWORD\"";

    private final String secretId;
    private final JsonNode root;
    private final String versionId;

    private SecretDocument(String secretId, JsonNode root, String versionId) {
        this.secretId = secretId;
        this.root = root;
        this.versionId = versionId;
    }

    static SecretDocument read(SecretsManagerClient client, JsonMapper json, String secretId) {
        GetSecretValueResponse response;
        try {
            response = client.getSecretValue(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new ConfigurationException("SAI_SECRET_ID: AWS Secrets Manager has no secret " + secretId
                    + " (or it has no value yet: aws secretsmanager put-secret-value --secret-id " + secretId + " ...)");
        } catch (SecretsManagerException e) {
            String code = e.awsErrorDetails() == null ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode();
            String hint = "AccessDeniedException".equals(code)
                    ? ": the function's role needs secretsmanager:GetSecretValue on it (and kms:Decrypt for a customer-managed key)"
                    : "";
            throw new ConfigurationException("SAI_SECRET_ID: reading secret " + secretId + " from AWS Secrets Manager failed with "
                    + code + hint);
        } catch (SdkException e) {
            throw new ConfigurationException("SAI_SECRET_ID: AWS Secrets Manager could not be reached to read secret " + secretId
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        String text = response.secretString();
        if (text == null) {
            throw invalid(secretId, "holds binary data; store the JSON object as the secret string");
        }
        JsonNode root;
        try {
            root = json.readValue(text, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            throw invalid(secretId, "is not valid JSON"); // the parser's message can quote the content
        }
        if (root == null || !root.isObject()) {
            throw invalid(secretId, "is not a JSON object");
        }
        return new SecretDocument(secretId, root, response.versionId());
    }

    /** A string field, stripped; absent, null or blank is empty. Any other JSON type is refused. */
    Optional<String> field(String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw invalid("field " + name + " must be a string");
        }
        String value = node.getStringValue().strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    String secretId() {
        return secretId;
    }

    String versionId() {
        return versionId;
    }

    ConfigurationException invalid(String problem) {
        return invalid(secretId, problem);
    }

    private static ConfigurationException invalid(String secretId, String problem) {
        return new ConfigurationException("SAI_SECRET_ID: secret " + secretId + " " + problem + ". " + EXPECTED);
    }

    @Override
    public String toString() {
        return "SecretDocument[" + secretId + ", version " + versionId + ", redacted]";
    }
}
