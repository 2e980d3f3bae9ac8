package sai.gateway.ui;

import com.fasterxml.jackson.databind.JsonNode;
import sai.gateway.testing.Json;
import sai.gateway.usage.UsageExplorer;
import sai.gateway.usage.UsageRecorder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the dashboard's page tests set up through the gateway's own doors: tenants and keys through the JSON admin
 * API, requests with those keys, and the wait until the usage writer has stored them.
 */
final class UiFixtures {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminKey;

    UiFixtures(String base, String adminKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.adminKey = adminKey;
    }

    /** A tenant's id. */
    String tenant(String name) {
        return admin("/admin/tenants", "{\"name\":" + Json.quote(name) + "}").path("id").asText();
    }

    /** A key of the tenant: its id and its secret. */
    JsonNode key(String tenantId, String name, String extraFields) {
        return admin("/admin/keys", "{\"tenant_id\":\"" + tenantId + "\",\"name\":" + Json.quote(name) + extraFields + "}");
    }

    HttpResponse<String> chat(JsonNode key, String model) {
        return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Bearer " + key.path("key").asText());
    }

    /**
     * Waits until the usage rows of {@code [from, now]} count {@code requests}: a request's row is handed to the
     * writer when its last byte has left, which can be just after the client read it, so one flush may come too early.
     */
    static void awaitRecorded(UsageRecorder recorder, UsageExplorer explorer, Instant from, long requests) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long counted;
        do {
            assertThat(recorder.flush(Duration.ofSeconds(5))).isTrue();
            counted = explorer.series(from, Instant.now().plusSeconds(60), Duration.ofHours(1), UsageExplorer.Filter.NONE).totals().requests();
            if (counted == requests) {
                return;
            }
            assertThat(counted).as("usage rows").isLessThan(requests);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("usage rows never reached " + requests + ": " + counted);
    }

    private JsonNode admin(String path, String body) {
        HttpResponse<String> response = post(path, body, "Bearer " + adminKey);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.parse(response.body());
    }

    private HttpResponse<String> post(String path, String body, String authorization) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
