package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/template.yaml against what the build produced: the handler is in the deployable jar, CodeUri
 * names that jar, every environment variable the function gets is one the gateway reads, and the
 * deployment keeps its promises (regional REST API, SnapStart, one secret readable and nothing else; a database,
 * a VPC and the network permissions it needs only when asked for, checked on the template resolved for given values).
 * The template uses long-form intrinsics (Ref:, Fn::If:), so a plain YAML parser reads it.
 */
class TemplateIT {

    /** Read by the JVM itself, not by the gateway's configuration. */
    private static final ObjectMapper JSON = new ObjectMapper();
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
                .doesNotContain("SAI_KEY", "SAI_COOKIE", "GATEWAY_API_KEYS")
                .as("tenancy's secrets are in the secret, never plain variables")
                .doesNotContain("GATEWAY_ADMIN_KEY", "GATEWAY_ENCRYPTION_KEY", "DATABASE_PASSWORD");
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
        JsonNode resolved = resolve(Map.of());
        JsonNode statements = resolved.at("/Policies/0/Statement");
        assertThat(resolved.path("Policies")).as("outside a VPC").hasSize(1);
        assertThat(statements).hasSize(1);
        JsonNode statement = statements.get(0);
        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(statement.path("Resource")).isEqualTo(resolved.at("/Environment/Variables/SAI_SECRET_ID"));
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
    void withoutTenancyParametersTheFunctionHasNoDatabaseNoVpcAndNoNetworkPermissions() {
        for (String name : List.of("DatabaseUrl", "VpcSubnetIds", "VpcSecurityGroupIds", "UsageRetentionDays")) {
            assertThat(template.at("/Parameters/" + name + "/Default").asText()).as(name + " is optional").isEmpty();
        }
        assertThat(template.at("/Parameters/VpcSubnetIds/Type").asText()).isEqualTo("CommaDelimitedList");
        assertThat(template.at("/Parameters/VpcSecurityGroupIds/Type").asText()).isEqualTo("CommaDelimitedList");

        JsonNode resolved = resolve(Map.of());

        assertThat(resolved.has("VpcConfig")).isFalse();
        assertThat(resolved.path("Policies")).hasSize(1);
        assertThat(names(resolved.at("/Environment/Variables"))).doesNotContain("DATABASE_URL", "DATA_DIR", "USAGE_RETENTION_DAYS");
    }

    @Test
    void withADatabaseInAVpcTheFunctionJoinsItAndSpoolsUnderTmp() {
        JsonNode resolved = resolve(Map.of(
                "DatabaseUrl", "postgres://gateway@gw-proxy.proxy-abc123.eu-west-1.rds.amazonaws.com:5432/gateway?sslmode=require",
                "VpcSubnetIds", "subnet-0a1b,subnet-2c3d",
                "VpcSecurityGroupIds", "sg-0f9e",
                "UsageRetentionDays", "30"));

        JsonNode variables = resolved.at("/Environment/Variables");
        assertThat(variables.path("DATABASE_URL").asText()).startsWith("postgres://gateway@gw-proxy.");
        assertThat(variables.path("DATA_DIR").asText()).as("the only writable place on Lambda").startsWith("/tmp/");
        assertThat(variables.path("USAGE_RETENTION_DAYS").asText()).isEqualTo("30");
        assertThat(resolved.at("/VpcConfig/SubnetIds")).extracting(JsonNode::asText).containsExactly("subnet-0a1b", "subnet-2c3d");
        assertThat(resolved.at("/VpcConfig/SecurityGroupIds")).extracting(JsonNode::asText).containsExactly("sg-0f9e");
        assertThat(resolved.path("Policies")).hasSize(2);
        assertThat(resolved.at("/Policies/1/Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
    }

    @Test
    void aDatabaseWithoutAVpcKeepsTheFunctionOutsideWithoutUsageRetention() {
        JsonNode resolved = resolve(Map.of("DatabaseUrl", "jdbc:postgresql://db.example.com:5432/gateway"));

        assertThat(resolved.has("VpcConfig")).isFalse();
        assertThat(resolved.path("Policies")).hasSize(1);
        assertThat(names(resolved.at("/Environment/Variables"))).contains("DATABASE_URL", "DATA_DIR").doesNotContain("USAGE_RETENTION_DAYS");
    }

    @Test
    void theDatabaseUrlParameterRefusesAPassword() {
        Pattern allowed = Pattern.compile(template.at("/Parameters/DatabaseUrl/AllowedPattern").asText());

        assertThat(allowed.matcher("").matches()).isTrue();
        assertThat(allowed.matcher("postgres://gateway@proxy.example.com:5432/gateway").matches()).isTrue();
        assertThat(allowed.matcher("postgresql://gateway@proxy.example.com/gateway?sslmode=require").matches()).isTrue();
        assertThat(allowed.matcher("jdbc:postgresql://proxy.example.com:5432/gateway").matches()).isTrue();
        assertThat(allowed.matcher("postgres://gateway:s3cret@proxy.example.com:5432/gateway").matches())
                .as("the password goes in the secret, not in a parameter every describe-stacks shows").isFalse();
        assertThat(allowed.matcher("jdbc:h2:mem:x").matches()).as("no embedded database on Lambda").isFalse();
    }

    @Test
    void logsAreKeptForAWhileNotForever() {
        JsonNode logGroup = template.at("/Resources/GatewayLogGroup/Properties");
        assertThat(logGroup.at("/RetentionInDays/Ref").asText()).isEqualTo("LogRetentionDays");
        assertThat(logGroup.at("/LogGroupName/Fn::Sub").asText()).isEqualTo("/aws/lambda/" + function.at("/FunctionName/Fn::Sub").asText());
    }

    /**
     * The function's properties as CloudFormation would see them for these parameter values (the others at their
     * defaults): Ref to a parameter, AWS::NoValue, and the Fn::If / Fn::Equals / Fn::Not / Fn::Join the template's
     * conditions use. Other intrinsics (Fn::Sub, Ref to resources) are left as written.
     */
    private JsonNode resolve(Map<String, String> parameters) {
        Map<String, JsonNode> values = new HashMap<>();
        template.path("Parameters").fields().forEachRemaining(p -> {
            String value = parameters.getOrDefault(p.getKey(), p.getValue().path("Default").asText());
            boolean list = p.getValue().path("Type").asText().equals("CommaDelimitedList");
            ArrayNode items = JSON.createArrayNode();
            if (list) {
                Arrays.stream(value.split(",", -1)).forEach(items::add);
            }
            values.put(p.getKey(), list ? items : JSON.getNodeFactory().textNode(value));
        });
        Map<String, Boolean> conditions = new HashMap<>();
        template.path("Conditions").fields().forEachRemaining(c -> conditions.put(c.getKey(), truth(evaluate(c.getValue(), values, conditions))));
        return evaluate(function, values, conditions);
    }

    private static JsonNode evaluate(JsonNode node, Map<String, JsonNode> parameters, Map<String, Boolean> conditions) {
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(item -> {
                JsonNode value = evaluate(item, parameters, conditions);
                if (value != null) {
                    out.add(value);
                }
            });
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1 && node.has("Ref")) {
            String name = node.path("Ref").asText();
            return name.equals("AWS::NoValue") ? null : parameters.getOrDefault(name, node);
        }
        if (node.size() == 1 && node.has("Fn::If")) {
            JsonNode args = node.path("Fn::If");
            Boolean condition = conditions.get(args.get(0).asText());
            assertThat(condition).as("condition %s", args.get(0).asText()).isNotNull();
            return evaluate(args.get(condition ? 1 : 2), parameters, conditions);
        }
        if (node.size() == 1 && node.has("Fn::Equals")) {
            JsonNode args = evaluate(node.path("Fn::Equals"), parameters, conditions);
            return JSON.getNodeFactory().booleanNode(args.get(0).equals(args.get(1)));
        }
        if (node.size() == 1 && node.has("Fn::Not")) {
            return JSON.getNodeFactory().booleanNode(!truth(evaluate(node.path("Fn::Not").get(0), parameters, conditions)));
        }
        if (node.size() == 1 && node.has("Fn::Join")) {
            JsonNode args = evaluate(node.path("Fn::Join"), parameters, conditions);
            List<String> parts = new ArrayList<>();
            args.get(1).forEach(p -> parts.add(p.asText()));
            return JSON.getNodeFactory().textNode(String.join(args.get(0).asText(), parts));
        }
        ObjectNode out = JSON.createObjectNode();
        node.fields().forEachRemaining(f -> {
            JsonNode value = evaluate(f.getValue(), parameters, conditions);
            if (value != null) {
                out.set(f.getKey(), value);
            }
        });
        return out;
    }

    private static boolean truth(JsonNode node) {
        assertThat(node.isBoolean()).as("a condition evaluates to true or false: %s", node).isTrue();
        return node.booleanValue();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
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
