package sai.gateway.deploy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import sai.gateway.testing.Json;
import sai.gateway.testing.OpenApiSchemas;
import sai.gateway.testing.SaiFakeTest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Builds the image from {@code docker/Dockerfile} and sends a chat completion through a container of
 * it to a WireMock SAI on the host. Needs a Docker daemon: where there is none (our machines and CI)
 * it is reported as skipped, with the reason, and never fails the build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImageTest {

    private static final String ANSWER = "Hola desde el contenedor";
    private static final int APP_PORT = 4000;

    private WireMockServer sai;

    @BeforeAll
    void startSai() {
        sai = new WireMockServer(options().dynamicPort());
        sai.start();
        sai.stubFor(post(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain; charset=utf-8")
                .withHeader("prompttokens", "9")
                .withHeader("completiontokens", "4")
                .withHeader("model", "sai-model")
                .withBody(ANSWER)));
    }

    /** Per test rather than in {@code @BeforeAll}, so the report lists the test as skipped, with the reason. */
    @BeforeEach
    void requireDocker() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "No Docker daemon reachable (DOCKER_HOST or /var/run/docker.sock): the image is not built or run here. "
                        + "Run this test on a machine with Docker to check docker/Dockerfile end to end.");
        Testcontainers.exposeHostPorts(sai.port());
    }

    @AfterAll
    void stopSai() {
        sai.stop();
    }

    @Test
    void chatCompletionThroughTheBuiltImage() throws Exception {
        try (GenericContainer<?> gateway = new GenericContainer<>(image())
                .withEnv("SAI_URL", "http://host.testcontainers.internal:" + sai.port())
                .withEnv("SAI_TEMPLATE_ID", SaiFakeTest.TEMPLATE_ID)
                .withEnv("SAI_KEY", SaiFakeTest.SYSTEM_KEY)
                .withExposedPorts(APP_PORT)
                // The image's own HEALTHCHECK (curl on /health) has to pass: that is what Swarm gates on.
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(2)))) {
            gateway.start();

            URI base = URI.create("http://" + gateway.getHost() + ":" + gateway.getMappedPort(APP_PORT));
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hola\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            OpenApiSchemas.assertValidIfSpecPresent("CreateChatCompletionResponse", response.body());
            assertThat(Json.parse(response.body()).at("/choices/0/message/content").asText()).isEqualTo(ANSWER);
            List<LoggedRequest> calls = sai.findAll(postRequestedFor(urlPathEqualTo(SaiFakeTest.EXECUTE_PATH)));
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0).getHeader("X-Api-Key")).isEqualTo(SaiFakeTest.SYSTEM_KEY);

            assertThat(gateway.execInContainer("id", "-u").getStdout().strip()).as("runs unprivileged").isEqualTo("10001");
            assertThat(gateway.execInContainer("ls", "/app/logs").getStdout()).as("the log file is in the mountable directory")
                    .contains("sai_handler.log");
        }
    }

    /** The build context holds exactly what the Dockerfile copies, so a missing COPY source fails here too. */
    private static ImageFromDockerfile image() {
        Path root = DeploymentFilesTest.repositoryRoot();
        ImageFromDockerfile image = new ImageFromDockerfile("sai-gateway-test", true)
                .withFileFromPath("docker/Dockerfile", root.resolve("docker/Dockerfile"))
                .withDockerfilePath("docker/Dockerfile");
        for (String source : DeploymentFilesTest.Dockerfile.read(root.resolve("docker/Dockerfile")).copiedSources()) {
            image.withFileFromPath(source, root.resolve(source));
        }
        return image;
    }
}
