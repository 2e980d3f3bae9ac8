package sai.gateway.lambda;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import sai.gateway.testing.Json;

import java.net.URI;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock speaking AWS Secrets Manager's JSON protocol (POST /, {@code X-Amz-Target:
 * secretsmanager.GetSecretValue}, errors as HTTP 400 with {@code __type}) to the real SDK, which reaches
 * it through an endpoint override with static test credentials.
 */
final class SecretsManagerStub {

    static final String SECRET_ID = "sai-gateway/prod";
    static final String REGION = "eu-west-1";
    static final String ACCESS_KEY_ID = "AKIDSAITEST00000000";
    static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sai-gateway/prod-AbCdEf";
    private static final String TARGET = "secretsmanager.GetSecretValue";

    final WireMockServer server;

    /**
     * Credentials for the client TenancySecretLocator builds in Micronaut's bootstrap context, where a test cannot
     * register a credentials bean: the aws.* system properties, which its chain reads after the (unset) variables.
     */
    static void useTestCredentials() {
        System.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", "test-secret-access-key");
    }

    static void clearTestCredentials() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    SecretsManagerStub() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
    }

    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    void stop() {
        server.stop();
    }

    void reset() {
        server.resetAll();
    }

    /** The JSON object stored as the secret string, in version {@code versionId}. */
    static String secret(String saiKey, String saiCookie, String gatewayApiKeys) {
        StringBuilder json = new StringBuilder("{");
        append(json, "SAI_KEY", saiKey);
        append(json, "SAI_COOKIE", saiCookie);
        append(json, "GATEWAY_API_KEYS", gatewayApiKeys);
        return json.append('}').toString();
    }

    private static void append(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        if (json.length() > 1) {
            json.append(',');
        }
        json.append(Json.quote(name)).append(':').append(Json.quote(value));
    }

    /** The secret with tenancy fields too; a null value leaves its field out. */
    static String secret(String saiKey, String gatewayApiKeys, String adminKey, String encryptionKey, String databasePassword) {
        StringBuilder json = new StringBuilder("{");
        append(json, "SAI_KEY", saiKey);
        append(json, "GATEWAY_API_KEYS", gatewayApiKeys);
        append(json, "GATEWAY_ADMIN_KEY", adminKey);
        append(json, "GATEWAY_ENCRYPTION_KEY", encryptionKey);
        append(json, "DATABASE_PASSWORD", databasePassword);
        return json.append('}').toString();
    }

    static ResponseDefinitionBuilder value(String secretString, String versionId) {
        String body = "{\"ARN\":" + Json.quote(ARN) + ",\"Name\":" + Json.quote(SECRET_ID) + ",\"VersionId\":" + Json.quote(versionId)
                + ",\"SecretString\":" + Json.quote(secretString) + ",\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":1.795342530E9}";
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1").withBody(body);
    }

    static ResponseDefinitionBuilder error(String type, String message) {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":" + Json.quote(type) + ",\"message\":" + Json.quote(message) + "}");
    }

    static ResponseDefinitionBuilder throttled() {
        return error("ThrottlingException", "Rate exceeded");
    }

    MappingBuilder getSecretValue() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET));
    }

    void answer(ResponseDefinitionBuilder response) {
        server.stubFor(getSecretValue().willReturn(response));
    }

    List<LoggedRequest> calls() {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET)));
    }
}
