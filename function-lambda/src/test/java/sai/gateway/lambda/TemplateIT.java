package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/template.yaml against what the build produced and what the gateway reads: the buffered handler is in the
 * deployable jar and CodeUri names that jar, every environment variable either function gets is one the gateway (or
 * the JVM, or the Lambda Web Adapter) reads, and both modes keep the deployment's promises (one secret readable and
 * nothing else; a database, a VPC and the network permissions it needs only when asked for; logs kept for a while),
 * checked on the template resolved for given values (SamTemplate). What differs between the modes: TemplateModesIT.
 */
class TemplateIT {

    static final String BUFFERED = "GatewayFunction";
    static final String STREAMING = "StreamingFunction";
    static final List<Map.Entry<String, String>> MODES = List.of(Map.entry("buffered", BUFFERED), Map.entry("streaming", STREAMING));

    /** Read by the JVM itself, not by the gateway's configuration. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    /**
     * Read by the AWS Lambda Web Adapter layer of the streaming function (and AWS_LWA_PORT by its run.sh too), never by
     * application.yml: the wrapper that runs run.sh, the invoke mode, the port and path it waits on, the SnapStart hook.
     */
    static final Set<String> ADAPTER_VARIABLES = Set.of("AWS_LAMBDA_EXEC_WRAPPER", "AWS_LWA_INVOKE_MODE", "AWS_LWA_PORT",
            "AWS_LWA_READINESS_CHECK_PATH", "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    /** Every optional part on, so every variable the template can set is set. */
    private static final Map<String, String> EVERYTHING = Map.of(
            "DatabaseUrl", "postgres://gateway@gw-proxy.proxy-abc123.eu-west-1.rds.amazonaws.com:5432/gateway?sslmode=require",
            "VpcSubnetIds", "subnet-0a1b,subnet-2c3d",
            "VpcSecurityGroupIds", "sg-0f9e",
            "UsageRetentionDays", "30",
            "RequestTimeout", "600");

    private final Path templatePath = Path.of(System.getProperty("sam.template", "../infra/template.yaml")).toAbsolutePath().normalize();
    private final Path jar = Path.of(System.getProperty("lambda.jar", "target/function-lambda-0.1.0.jar")).toAbsolutePath().normalize();
    private final SamTemplate template = SamTemplate.read(templatePath);

    /** The function of that mode, resolved for these values (with LambdaMode set to it). */
    private JsonNode function(String mode, Map<String, String> parameters) {
        Map<String, String> all = new java.util.HashMap<>(parameters);
        all.put("LambdaMode", mode);
        return template.resolve(all).properties(mode.equals("buffered") ? BUFFERED : STREAMING);
    }

    @Test
    void theBufferedHandlerIsARequestHandlerInTheBuiltJar() throws Exception {
        String handler = function("buffered", Map.of()).path("Handler").asText();
        assertThat(handler).isEqualTo("io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyRequestEventFunction");
        try (JarFile built = new JarFile(jar.toFile())) {
            assertThat(built.getEntry(handler.replace('.', '/') + ".class")).as("%s in %s", handler, jar).isNotNull();
        }
        assertThat(RequestHandler.class.isAssignableFrom(Class.forName(handler))).isTrue();
    }

    @Test
    void theBufferedCodeUriIsTheJarTheBuildWrites() {
        Path codeUri = templatePath.getParent().resolve(function("buffered", Map.of()).path("CodeUri").asText()).normalize();
        assertThat(codeUri).isEqualTo(jar);
        assertThat(jar).isRegularFile();
    }

    @Test
    void everyEnvironmentVariableIsOneTheGatewayReads() throws IOException {
        Set<String> read = new TreeSet<>(JVM_VARIABLES);
        read.addAll(placeholders("application.yml", true));
        read.addAll(placeholders("application-lambda.yml", true));
        read.addAll(placeholders("application-function.yml", true));
        read.addAll(placeholders("application-streaming.yml", true));

        for (Map.Entry<String, String> mode : MODES) {
            List<String> set = names(function(mode.getKey(), EVERYTHING).path("Environment").path("Variables"));
            Set<String> accepted = new TreeSet<>(read);
            if (mode.getKey().equals("streaming")) {
                accepted.addAll(ADAPTER_VARIABLES);
                assertThat(set).as("the adapter's variables").containsAll(ADAPTER_VARIABLES);
            } else {
                assertThat(set).as("no adapter in the buffered function").doesNotContainAnyElementsOf(ADAPTER_VARIABLES);
            }
            assertThat(set).as("variables the %s function gets", mode.getKey()).isNotEmpty().allSatisfy(v -> assertThat(accepted).contains(v));
            assertThat(set).contains("SAI_URL", "SAI_TEMPLATE_ID", "SAI_SECRET_ID", "SAI_SECRET_TTL", "GATEWAY_REQUIRE_API_KEYS",
                            "FUNCTION_TIMEOUT", "REQUEST_TIMEOUT", "DATABASE_URL", "DATA_DIR", "USAGE_RETENTION_DAYS")
                    .doesNotContain("SAI_KEY", "SAI_COOKIE", "GATEWAY_API_KEYS")
                    .as("tenancy's secrets are in the secret, never plain variables")
                    .doesNotContain("GATEWAY_ADMIN_KEY", "GATEWAY_ENCRYPTION_KEY", "DATABASE_PASSWORD");
        }
    }

    @Test
    void eitherFunctionMayWriteItsLogsAndReadItsSecretAndNothingElse() {
        SamTemplate.Resolved resolved = template.resolve(Map.of());
        JsonNode role = resolved.properties("GatewayFunctionRole");
        assertThat(role.at("/AssumeRolePolicyDocument/Statement/0/Principal/Service").asText()).isEqualTo("lambda.amazonaws.com");
        assertThat(role.path("ManagedPolicyArns")).as("outside a VPC: logs only").hasSize(1);
        assertThat(role.at("/ManagedPolicyArns/0/Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
        assertThat(role.path("Policies")).hasSize(1);
        JsonNode statements = role.at("/Policies/0/PolicyDocument/Statement");
        assertThat(statements).hasSize(1);
        JsonNode statement = statements.get(0);
        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.path("Action").asText()).isEqualTo("secretsmanager:GetSecretValue");
        assertThat(template.raw().at("/Resources/GatewaySecret/Condition").asText()).isEqualTo("CreateSecret");

        for (Map.Entry<String, String> mode : MODES) {
            JsonNode function = function(mode.getKey(), Map.of());
            assertThat(function.at("/Role/Fn::GetAtt/0").asText()).as("%s runs as that role", mode.getKey()).isEqualTo("GatewayFunctionRole");
            assertThat(function.has("Policies")).as("no role of its own").isFalse();
            assertThat(statement.path("Resource")).as("the secret it is told to read").isEqualTo(function.at("/Environment/Variables/SAI_SECRET_ID"));
        }
        assertThat(template.resolve(Map.of("ExistingSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gw-AbCdEf"))
                .properties("GatewayFunctionRole").at("/Policies/0/PolicyDocument/Statement/0/Resource").asText())
                .isEqualTo("arn:aws:secretsmanager:eu-west-1:123456789012:secret:gw-AbCdEf");
    }

    @Test
    void accessKeysAreRequiredUnlessOpenedOnPurpose() {
        for (Map.Entry<String, String> mode : MODES) {
            assertThat(function(mode.getKey(), Map.of()).at("/Environment/Variables/GATEWAY_REQUIRE_API_KEYS").asText()).isEqualTo("true");
            assertThat(function(mode.getKey(), Map.of("AllowOpenAccess", "true")).at("/Environment/Variables/GATEWAY_REQUIRE_API_KEYS").asText())
                    .isEqualTo("false");
        }
    }

    @Test
    void withoutTenancyParametersTheFunctionHasNoDatabaseNoVpcAndNoNetworkPermissions() {
        for (String name : List.of("DatabaseUrl", "VpcSubnetIds", "VpcSecurityGroupIds", "UsageRetentionDays")) {
            assertThat(template.raw().at("/Parameters/" + name + "/Default").asText()).as(name + " is optional").isEmpty();
        }
        assertThat(template.raw().at("/Parameters/VpcSubnetIds/Type").asText()).isEqualTo("CommaDelimitedList");
        assertThat(template.raw().at("/Parameters/VpcSecurityGroupIds/Type").asText()).isEqualTo("CommaDelimitedList");

        for (Map.Entry<String, String> mode : MODES) {
            JsonNode function = function(mode.getKey(), Map.of());
            assertThat(function.has("VpcConfig")).as(mode.getKey()).isFalse();
            assertThat(names(function.at("/Environment/Variables"))).doesNotContain("DATABASE_URL", "DATA_DIR", "USAGE_RETENTION_DAYS");
        }
        assertThat(template.resolve(Map.of()).properties("GatewayFunctionRole").path("ManagedPolicyArns")).hasSize(1);
    }

    @Test
    void withADatabaseInAVpcTheFunctionJoinsItAndSpoolsUnderTmp() {
        Map<String, String> parameters = Map.of(
                "DatabaseUrl", "postgres://gateway@gw-proxy.proxy-abc123.eu-west-1.rds.amazonaws.com:5432/gateway?sslmode=require",
                "VpcSubnetIds", "subnet-0a1b,subnet-2c3d",
                "VpcSecurityGroupIds", "sg-0f9e",
                "UsageRetentionDays", "30");
        for (Map.Entry<String, String> mode : MODES) {
            JsonNode function = function(mode.getKey(), parameters);
            JsonNode variables = function.at("/Environment/Variables");
            assertThat(variables.path("DATABASE_URL").asText()).startsWith("postgres://gateway@gw-proxy.");
            assertThat(variables.path("DATA_DIR").asText()).as("the only writable place on Lambda").startsWith("/tmp/");
            assertThat(variables.path("USAGE_RETENTION_DAYS").asText()).isEqualTo("30");
            assertThat(function.at("/VpcConfig/SubnetIds")).extracting(JsonNode::asText).containsExactly("subnet-0a1b", "subnet-2c3d");
            assertThat(function.at("/VpcConfig/SecurityGroupIds")).extracting(JsonNode::asText).containsExactly("sg-0f9e");
        }
        JsonNode role = template.resolve(parameters).properties("GatewayFunctionRole");
        assertThat(role.path("ManagedPolicyArns")).hasSize(2);
        assertThat(role.at("/ManagedPolicyArns/1/Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
    }

    @Test
    void aDatabaseWithoutAVpcKeepsTheFunctionOutsideWithoutUsageRetention() {
        Map<String, String> parameters = Map.of("DatabaseUrl", "jdbc:postgresql://db.example.com:5432/gateway");
        for (Map.Entry<String, String> mode : MODES) {
            JsonNode function = function(mode.getKey(), parameters);
            assertThat(function.has("VpcConfig")).isFalse();
            assertThat(names(function.at("/Environment/Variables"))).contains("DATABASE_URL", "DATA_DIR").doesNotContain("USAGE_RETENTION_DAYS");
        }
        assertThat(template.resolve(parameters).properties("GatewayFunctionRole").path("ManagedPolicyArns")).hasSize(1);
    }

    @Test
    void theDatabaseUrlParameterRefusesAPassword() {
        Pattern allowed = Pattern.compile(template.raw().at("/Parameters/DatabaseUrl/AllowedPattern").asText());

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
        SamTemplate.Resolved resolved = template.resolve(Map.of());
        JsonNode logGroup = resolved.properties("GatewayLogGroup");
        assertThat(logGroup.path("RetentionInDays").asText()).isEqualTo("30");
        assertThat(template.resolve(Map.of("LogRetentionDays", "7")).properties("GatewayLogGroup").path("RetentionInDays").asText())
                .isEqualTo("7");
        assertThat(template.raw().at("/Parameters/LogRetentionDays/AllowedValues")).extracting(JsonNode::asText).doesNotContain("0", "");
        // The name the buffered function's logs always had; the streaming function writes there too.
        assertThat(logGroup.at("/LogGroupName/Fn::Sub").asText())
                .isEqualTo("/aws/lambda/" + function("buffered", Map.of()).at("/FunctionName/Fn::Sub").asText());
        for (Map.Entry<String, String> mode : MODES) {
            assertThat(function(mode.getKey(), Map.of()).at("/LoggingConfig/LogGroup/Ref").asText())
                    .as("the %s function logs to the group with the retention", mode.getKey()).isEqualTo("GatewayLogGroup");
            assertThat(template.resolve(Map.of("LambdaMode", mode.getKey())).has("GatewayLogGroup")).as("kept across a mode switch").isTrue();
        }
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> placeholders(String resource, boolean required) throws IOException {
        try (InputStream in = TemplateIT.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                assertThat(required).as(resource + " on the classpath").isFalse();
                return Set.of();
            }
            Matcher m = PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Set<String> names = new TreeSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }
    }
}
