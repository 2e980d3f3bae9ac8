package sai.gateway.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * infra/template.yaml's two Lambda modes (LambdaMode), each resolved as CloudFormation would (SamTemplate): streaming
 * (the default: the gateway's Netty server under the Lambda Web Adapter, its answers streamed by a REST API through
 * Lambda's InvokeWithResponseStream) and buffered (Micronaut's API Gateway handler behind SAM's REST API). Each mode's
 * resources exist and the other's do not; the streaming integration, its permission, the adapter layer and variables,
 * SnapStart, the timeouts per mode and the optional function URL are what the README says.
 *
 * <p>The streaming zip is built by function-lambda-streaming, after this module in the reactor, so only its CodeUri
 * path is checked here, not the file.
 */
class TemplateModesIT {

    static final String STREAMING_CODE_URI = "../function-lambda-streaming/target/function-lambda-streaming-0.1.0.zip";
    private static final List<String> STREAMING_ONLY = List.of("StreamingFunction", "StreamingApi", "StreamingProxyResource",
            "StreamingProxyMethod", "StreamingApiDeployment", "StreamingApiStage", "StreamingApiInvokePermission");
    private static final List<String> BUFFERED_ONLY = List.of("GatewayFunction", "GatewayApi");
    private static final List<String> BOTH = List.of("GatewayFunctionRole", "GatewayLogGroup", "GatewaySecret");

    private final SamTemplate template = SamTemplate.read(
            Path.of(System.getProperty("sam.template", "../infra/template.yaml")).toAbsolutePath().normalize());

    private SamTemplate.Resolved mode(String mode, String... parameters) {
        Map<String, String> values = new HashMap<>();
        values.put("LambdaMode", mode);
        for (int i = 0; i < parameters.length; i += 2) {
            values.put(parameters[i], parameters[i + 1]);
        }
        return template.resolve(values);
    }

    @Test
    void eachModeHasItsOwnFunctionAndApiAndNotTheOthers() {
        assertThat(template.raw().at("/Parameters/LambdaMode/Default").asText()).isEqualTo("streaming");
        assertThat(template.raw().at("/Parameters/LambdaMode/AllowedValues")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("streaming", "buffered");

        assertThat(template.resolve(Map.of()).resources()).as("default: streaming")
                .containsAll(STREAMING_ONLY).containsAll(BOTH).doesNotContainAnyElementsOf(BUFFERED_ONLY);
        assertThat(mode("buffered").resources())
                .containsAll(BUFFERED_ONLY).containsAll(BOTH).doesNotContainAnyElementsOf(STREAMING_ONLY)
                .as("no function URL without the streaming function").doesNotContain("StreamingFunctionUrl",
                        "StreamingFunctionUrlPublicAccess", "StreamingFunctionUrlPublicInvoke");
        assertThat(mode("buffered").properties("GatewayFunction").at("/Events/Proxy/Properties/RestApiId/Ref").asText())
                .isEqualTo("GatewayApi");
        assertThat(mode("streaming").properties("StreamingFunction").path("FunctionName"))
                .as("its own name: a mode switch creates the new function before it deletes the old one")
                .isNotEqualTo(mode("buffered").properties("GatewayFunction").path("FunctionName"));
    }

    @Test
    void theStreamingIntegrationStreamsTheAliasThroughInvokeWithResponseStream() {
        SamTemplate.Resolved streaming = mode("streaming");
        assertThat(streaming.properties("StreamingApi").at("/EndpointConfiguration/Types")).extracting(JsonNode::asText)
                .containsExactly("REGIONAL");
        JsonNode resource = streaming.properties("StreamingProxyResource");
        assertThat(resource.path("PathPart").asText()).isEqualTo("{proxy+}");
        assertThat(resource.at("/ParentId/Fn::GetAtt")).extracting(JsonNode::asText).containsExactly("StreamingApi", "RootResourceId");

        JsonNode method = streaming.properties("StreamingProxyMethod");
        assertThat(method.at("/ResourceId/Ref").asText()).isEqualTo("StreamingProxyResource");
        assertThat(method.path("HttpMethod").asText()).isEqualTo("ANY");
        JsonNode integration = method.path("Integration");
        assertThat(integration.path("Type").asText()).isEqualTo("AWS_PROXY");
        assertThat(integration.path("IntegrationHttpMethod").asText()).isEqualTo("POST");
        assertThat(integration.at("/Uri/Fn::Sub").asText()).isEqualTo("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:"
                + "path/2021-11-15/functions/${StreamingFunction.Alias}/response-streaming-invocations");
        assertThat(integration.path("ResponseTransferMode").asText()).isEqualTo("STREAM");
        assertThat(integration.path("TimeoutInMillis").asText()).as("a stream's 15 minutes").isEqualTo("900000");

        JsonNode stage = streaming.properties("StreamingApiStage");
        assertThat(stage.path("StageName").asText()).isEqualTo("prod");
        assertThat(stage.at("/DeploymentId/Ref").asText()).isEqualTo("StreamingApiDeployment");
        assertThat(streaming.properties("StreamingApiDeployment").at("/RestApiId/Ref").asText()).isEqualTo("StreamingApi");
        assertThat(template.raw().at("/Resources/StreamingApiDeployment/DependsOn").asText()).isEqualTo("StreamingProxyMethod");
        assertThat(stage.path("MethodSettings")).as("the buffered API's throttling")
                .isEqualTo(mode("buffered").properties("GatewayApi").path("MethodSettings"))
                .isNotEmpty();
    }

    @Test
    void apiGatewayMayInvokeTheAliasFromThisApiOnly() {
        JsonNode permission = mode("streaming").properties("StreamingApiInvokePermission");
        // InvokeWithResponseStream is authorised as lambda:InvokeFunction (AWS's Lambda API reference).
        assertThat(permission.path("Action").asText()).isEqualTo("lambda:InvokeFunction");
        assertThat(permission.path("Principal").asText()).isEqualTo("apigateway.amazonaws.com");
        assertThat(permission.at("/FunctionName/Ref").asText()).as("the alias the integration invokes").isEqualTo("StreamingFunction.Alias");
        assertThat(permission.at("/SourceArn/Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${StreamingApi}/prod/*/*");
    }

    @Test
    void theStreamingFunctionRunsTheServerUnderTheWebAdapter() {
        JsonNode function = mode("streaming").properties("StreamingFunction");
        assertThat(function.path("Handler").asText()).isEqualTo("run.sh");
        assertThat(function.path("CodeUri").asText()).isEqualTo(STREAMING_CODE_URI);
        assertThat(function.path("Runtime").asText()).isEqualTo("java21");
        assertThat(function.path("Architectures")).extracting(JsonNode::asText).containsExactly("x86_64");
        assertThat(function.path("Layers")).hasSize(1);
        assertThat(function.at("/Layers/0/Fn::Sub").asText())
                .isEqualTo("arn:${AWS::Partition}:lambda:${AWS::Region}:753240598075:layer:LambdaAdapterLayerX86:30");
        assertThat(mode("streaming", "WebAdapterLayerVersion", "31").properties("StreamingFunction").at("/Layers/0/Fn::Sub").asText())
                .endsWith(":layer:LambdaAdapterLayerX86:31");

        JsonNode variables = function.path("Environment").path("Variables");
        assertThat(variables.path("AWS_LAMBDA_EXEC_WRAPPER").asText()).isEqualTo("/opt/bootstrap");
        assertThat(variables.path("AWS_LWA_INVOKE_MODE").asText()).isEqualTo("response_stream");
        assertThat(variables.path("AWS_LWA_PORT").asText()).isEqualTo("8080");
        assertThat(variables.path("AWS_LWA_READINESS_CHECK_PATH").asText()).isEqualTo("/health");
        assertThat(variables.path("AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH").asText()).isEqualTo("/lambda/snapstart/after-restore");
        assertThat(variables.path("SAI_URL").isMissingNode()).as("and every variable of the buffered function").isFalse();
        assertThat(TemplateIT.names(variables)).containsAll(
                TemplateIT.names(mode("buffered").properties("GatewayFunction").path("Environment").path("Variables")));
    }

    @Test
    void bothFunctionsSnapStartTheirPublishedAliasOnJava21() {
        for (Map.Entry<String, String> mode : TemplateIT.MODES) {
            JsonNode function = mode(mode.getKey(), "MemorySize", "2048").properties(mode.getValue());
            assertThat(function.at("/SnapStart/ApplyOn").asText()).as(mode.getKey()).isEqualTo("PublishedVersions");
            assertThat(function.path("AutoPublishAlias").asText()).isEqualTo("live");
            assertThat(function.path("Runtime").asText()).as("java17 can no longer be created").isEqualTo("java21");
            assertThat(function.path("MemorySize").asText()).isEqualTo("2048");
        }
        assertThat(mode("streaming").output("FunctionAlias").path("Ref").asText()).isEqualTo("StreamingFunction.Alias");
        assertThat(mode("buffered").output("FunctionAlias").path("Ref").asText()).isEqualTo("GatewayFunction.Alias");
    }

    @Test
    void timeoutsDefaultPerModeAndRequestTimeoutFollowsTheFunctionUnlessGiven() {
        JsonNode streaming = mode("streaming").properties("StreamingFunction");
        assertThat(streaming.path("Timeout").asText()).isEqualTo("900");
        assertThat(streaming.at("/Environment/Variables/FUNCTION_TIMEOUT").asText()).isEqualTo("900");
        assertThat(streaming.at("/Environment/Variables/REQUEST_TIMEOUT").isMissingNode()).as("unset: the gateway derives it").isTrue();

        JsonNode buffered = mode("buffered").properties("GatewayFunction");
        assertThat(buffered.path("Timeout").asText()).isEqualTo("120");
        assertThat(buffered.at("/Environment/Variables/FUNCTION_TIMEOUT").asText()).isEqualTo("120");
        assertThat(buffered.at("/Environment/Variables/REQUEST_TIMEOUT").isMissingNode()).isTrue();
        assertThat(buffered.at("/Events/Proxy/Properties/TimeoutInMillis").asText()).as("API Gateway's default").isEqualTo("29000");

        for (Map.Entry<String, String> mode : TemplateIT.MODES) {
            JsonNode given = mode(mode.getKey(), "Timeout", "300", "RequestTimeout", "240", "IntegrationTimeoutMs", "280000")
                    .properties(mode.getValue());
            assertThat(given.path("Timeout").asText()).as(mode.getKey()).isEqualTo("300");
            assertThat(given.at("/Environment/Variables/FUNCTION_TIMEOUT").asText()).as("FUNCTION_TIMEOUT is the timeout").isEqualTo("300");
            assertThat(given.at("/Environment/Variables/REQUEST_TIMEOUT").asText()).isEqualTo("240");
        }
        assertThat(mode("buffered", "IntegrationTimeoutMs", "280000").properties("GatewayFunction")
                .at("/Events/Proxy/Properties/TimeoutInMillis").asText()).isEqualTo("280000");
        assertThat(mode("streaming", "IntegrationTimeoutMs", "280000").properties("StreamingProxyMethod")
                .at("/Integration/TimeoutInMillis").asText()).isEqualTo("280000");
    }

    @Test
    void timeoutParametersRefuseWhatLambdaAndApiGatewayWouldRefuse() {
        Pattern timeout = Pattern.compile(template.raw().at("/Parameters/Timeout/AllowedPattern").asText());
        assertThat(List.of("", "20", "120", "899", "900")).allSatisfy(v -> assertThat(timeout.matcher(v).matches()).as(v).isTrue());
        assertThat(List.of("19", "0", "901", "1000", "9a", "-1", "120 ")).allSatisfy(v -> assertThat(timeout.matcher(v).matches()).as(v).isFalse());

        Pattern integration = Pattern.compile(template.raw().at("/Parameters/IntegrationTimeoutMs/AllowedPattern").asText());
        assertThat(List.of("", "50", "29000", "300000", "899999", "900000"))
                .allSatisfy(v -> assertThat(integration.matcher(v).matches()).as(v).isTrue());
        assertThat(List.of("49", "0", "900001", "1000000", "29s"))
                .allSatisfy(v -> assertThat(integration.matcher(v).matches()).as(v).isFalse());

        Pattern request = Pattern.compile(template.raw().at("/Parameters/RequestTimeout/AllowedPattern").asText());
        assertThat(List.of("", "1", "110", "890")).allSatisfy(v -> assertThat(request.matcher(v).matches()).as(v).isTrue());
        assertThat(List.of("0", "1000", "1m")).allSatisfy(v -> assertThat(request.matcher(v).matches()).as(v).isFalse());
        assertThat(template.raw().at("/Parameters/RequestTimeout/Default").asText()).isEmpty();

        // Each mode's defaults let the function outlive API Gateway's wait.
        for (Map.Entry<String, String> mode : TemplateIT.MODES) {
            SamTemplate.Resolved resolved = mode(mode.getKey());
            int functionMs = resolved.properties(mode.getValue()).path("Timeout").asInt() * 1000;
            int apiMs = mode.getKey().equals("streaming")
                    ? resolved.properties("StreamingProxyMethod").at("/Integration/TimeoutInMillis").asInt()
                    : resolved.properties("GatewayFunction").at("/Events/Proxy/Properties/TimeoutInMillis").asInt();
            assertThat(functionMs).as(mode.getKey()).isGreaterThanOrEqualTo(apiMs);
        }
    }

    @Test
    void aFunctionUrlOnlyWhenAskedForInStreamingModeAndPublicOnlyWithNone() {
        assertThat(template.raw().at("/Parameters/FunctionUrlAuthType/Default").asText()).isEmpty();
        assertThat(mode("streaming").resources()).doesNotContain("StreamingFunctionUrl");
        assertThat(mode("streaming").output("FunctionUrl")).isNull();

        SamTemplate.Resolved iam = mode("streaming", "FunctionUrlAuthType", "AWS_IAM");
        JsonNode url = iam.properties("StreamingFunctionUrl");
        assertThat(url.path("AuthType").asText()).isEqualTo("AWS_IAM");
        assertThat(url.path("InvokeMode").asText()).isEqualTo("RESPONSE_STREAM");
        assertThat(url.at("/TargetFunctionArn/Ref").asText()).isEqualTo("StreamingFunction.Alias");
        assertThat(iam.resources()).as("signed callers need their own IAM permissions, no public policy")
                .doesNotContain("StreamingFunctionUrlPublicAccess", "StreamingFunctionUrlPublicInvoke");
        assertThat(iam.output("FunctionUrl").path("Fn::Sub").asText()).isEqualTo("${StreamingFunctionUrl.FunctionUrl}v1");

        SamTemplate.Resolved open = mode("streaming", "FunctionUrlAuthType", "NONE");
        assertThat(open.properties("StreamingFunctionUrl").path("AuthType").asText()).isEqualTo("NONE");
        JsonNode urlAccess = open.properties("StreamingFunctionUrlPublicAccess");
        assertThat(urlAccess.path("Action").asText()).isEqualTo("lambda:InvokeFunctionUrl");
        assertThat(urlAccess.path("FunctionUrlAuthType").asText()).isEqualTo("NONE");
        assertThat(urlAccess.path("Principal").asText()).isEqualTo("*");
        JsonNode invoke = open.properties("StreamingFunctionUrlPublicInvoke");
        assertThat(invoke.path("Action").asText()).isEqualTo("lambda:InvokeFunction");
        assertThat(invoke.path("InvokedViaFunctionUrl").asBoolean()).as("through the URL only").isTrue();
        assertThat(List.of(urlAccess, invoke)).allSatisfy(p -> assertThat(p.at("/FunctionName/Ref").asText()).isEqualTo("StreamingFunction.Alias"));

        assertThat(mode("buffered", "FunctionUrlAuthType", "NONE").brokenRules()).as("a buffered function cannot serve a URL")
                .singleElement().asString().contains("LambdaMode=streaming");
        assertThat(mode("buffered").brokenRules()).isEmpty();
        assertThat(open.brokenRules()).isEmpty();
    }

    @Test
    void theOutputsNameWhicheverApiExists() {
        assertThat(mode("streaming").output("ApiBaseUrl").path("Fn::Sub").asText()).startsWith("https://${StreamingApi}.execute-api.")
                .endsWith("/prod/v1");
        assertThat(mode("buffered").output("ApiBaseUrl").path("Fn::Sub").asText()).startsWith("https://${GatewayApi}.execute-api.")
                .endsWith("/prod/v1");
        assertThat(mode("buffered").properties("GatewayApi").path("StageName").asText()).isEqualTo("prod");
        assertThat(mode("buffered").properties("GatewayApi").at("/EndpointConfiguration/Type").asText()).isEqualTo("REGIONAL");
        assertThat(mode("streaming").output("SecretArn").path("Ref").asText()).isEqualTo("GatewaySecret");
    }
}
