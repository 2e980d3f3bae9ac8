package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/template.yaml against what the build produced: the handler is in the deployable jar, CodeUri
 * names that jar, every environment variable the function gets is one the gateway reads, and the
 * deployment keeps its promises (regional REST API, SnapStart, one secret readable and nothing else).
 * The template uses long-form intrinsics (Ref:, Fn::If:), so a plain YAML parser reads it.
 */
class TemplateIT {

    /** Read by the JVM itself, not by the gateway's configuration. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    private final Path templatePath = Path.of(System.getProperty("sam.template", "../infra/template.yaml")).toAbsolutePath().normalize();
    private final Path jar = Path.of(System.getProperty("lambda.jar", "target/function-lambda-0.1.0.jar")).toAbsolutePath().normalize();
    private final JsonNode template = read(templatePath);
    private final JsonNode function = template.at("/Resources/GatewayFunction/Properties");

    @Test
    void theHandlerIsARequestHandlerInTheBuiltJar() throws Exception {
        String handler = function.path("Handler").asText();
        assertThat(handler).isEqualTo("io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyRequestEventFunction");
        try (JarFile built = new JarFile(jar.toFile())) {
            assertThat(built.getEntry(handler.replace('.', '/') + ".class")).as("%s in %s", handler, jar).isNotNull();
        }
        assertThat(RequestHandler.class.isAssignableFrom(Class.forName(handler))).isTrue();
    }

    @Test
    void codeUriIsTheJarTheBuildWrites() {
        Path codeUri = templatePath.getParent().resolve(function.path("CodeUri").asText()).normalize();
        assertThat(codeUri).isEqualTo(jar);
        assertThat(jar).isRegularFile();
    }

    @Test
    void everyEnvironmentVariableIsOneTheGatewayReads() throws IOException {
        Set<String> read = new TreeSet<>(JVM_VARIABLES);
        read.addAll(placeholders("application.yml"));
        read.addAll(placeholders("application-lambda.yml"));
        List<String> set = new ArrayList<>();
        function.at("/Environment/Variables").fieldNames().forEachRemaining(set::add);

        assertThat(set).as("variables the template sets").isNotEmpty().allSatisfy(v -> assertThat(read).contains(v));
        assertThat(set).contains("SAI_URL", "SAI_TEMPLATE_ID", "SAI_SECRET_ID", "SAI_SECRET_TTL", "GATEWAY_REQUIRE_API_KEYS")
                .doesNotContain("SAI_KEY", "SAI_COOKIE", "GATEWAY_API_KEYS");
    }

    @Test
    void aRegionalRestApiAndSnapStartOnPublishedVersions() {
        assertThat(template.at("/Resources/GatewayApi/Type").asText()).isEqualTo("AWS::Serverless::Api");
        assertThat(template.at("/Resources/GatewayApi/Properties/EndpointConfiguration/Type").asText()).isEqualTo("REGIONAL");
        assertThat(function.path("Runtime").asText()).isEqualTo("java17");
        assertThat(function.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(function.path("AutoPublishAlias").asText()).isNotBlank();
        assertThat(function.at("/MemorySize/Ref").asText()).isEqualTo("MemorySize");
        assertThat(function.at("/Timeout/Ref").asText()).isEqualTo("Timeout");
        assertThat(template.at("/Parameters/MemorySize").isObject()).isTrue();
        assertThat(template.at("/Parameters/Timeout").isObject()).isTrue();
        assertThat(template.at("/Outputs/ApiBaseUrl/Value/Fn::Sub").asText()).contains("${GatewayApi}").endsWith("/prod/v1");
    }

    @Test
    void theFunctionMayReadItsSecretAndNothingElse() {
        JsonNode statements = function.at("/Policies/0/Statement");
        assertThat(function.path("Policies")).hasSize(1);
        assertThat(statements).hasSize(1);
        JsonNode statement = statements.get(0);
        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(statement.path("Resource")).isEqualTo(function.at("/Environment/Variables/SAI_SECRET_ID"));
        assertThat(template.at("/Resources/GatewaySecret/Condition").asText()).isEqualTo("CreateSecret");
    }

    @Test
    void accessKeysAreRequiredUnlessOpenedOnPurpose() {
        assertThat(template.at("/Parameters/AllowOpenAccess/Default").asText()).isEqualTo("false");
        assertThat(template.at("/Conditions/OpenAccess/Fn::Equals/0/Ref").asText()).isEqualTo("AllowOpenAccess");
        JsonNode require = function.at("/Environment/Variables/GATEWAY_REQUIRE_API_KEYS/Fn::If");
        assertThat(require.get(0).asText()).isEqualTo("OpenAccess");
        assertThat(require.get(1).asText()).isEqualTo("false");
        assertThat(require.get(2).asText()).isEqualTo("true");
    }

    @Test
    void logsAreKeptForAWhileNotForever() {
        JsonNode logGroup = template.at("/Resources/GatewayLogGroup/Properties");
        assertThat(logGroup.at("/RetentionInDays/Ref").asText()).isEqualTo("LogRetentionDays");
        assertThat(logGroup.at("/LogGroupName/Fn::Sub").asText()).isEqualTo("/aws/lambda/" + function.at("/FunctionName/Fn::Sub").asText());
    }

    private static Set<String> placeholders(String resource) throws IOException {
        try (InputStream in = TemplateIT.class.getResourceAsStream("/" + resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            Matcher m = PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Set<String> names = new TreeSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }
    }

    private static JsonNode read(Path path) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
