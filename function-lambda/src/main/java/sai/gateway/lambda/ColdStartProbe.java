package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import io.micronaut.function.aws.proxy.payload1.ApiGatewayProxyRequestEventFunction;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Lambda cold start on this machine: a fresh JVM creates the REST API handler the way the Lambda
 * runtime does (no-argument constructor, so the real init path) and hands it one API Gateway event, then
 * prints one JSON line of timings and exits. {@code java -jar function-lambda-0.1.0.jar [models|chat]}.
 *
 * <p>Configuration comes from the environment, as on AWS: {@code SAI_URL}, {@code SAI_TEMPLATE_ID} and
 * {@code SAI_KEY} (or {@code SAI_COOKIE}) are always needed, since init checks them; {@code models}
 * (the default) never calls SAI, {@code chat} calls it once. Exit status 0 when the event got a 2xx.
 */
public final class ColdStartProbe {

    private static final String CHAT_BODY = "{\"model\":\"sai-model\",\"messages\":[{\"role\":\"user\",\"content\":\"cold start\"}]}";

    private ColdStartProbe() {
    }

    public static void main(String[] args) {
        String kind = args.length > 0 ? args[0] : "models";
        if (!kind.equals("models") && !kind.equals("chat")) {
            System.err.println("usage: java -jar function-lambda-0.1.0.jar [models|chat]   (SAI_URL, SAI_TEMPLATE_ID, SAI_KEY from the environment)");
            System.exit(2);
        }
        long jvmStartedToMain = ManagementFactory.getRuntimeMXBean().getUptime();
        long initStart = System.nanoTime();
        ApiGatewayProxyRequestEventFunction handler = new ApiGatewayProxyRequestEventFunction();
        long initEnd = System.nanoTime();
        APIGatewayProxyResponseEvent response = handler.handleRequest(event(kind), new MockLambdaContext());
        long eventEnd = System.nanoTime();
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        int status = response.getStatusCode() == null ? 0 : response.getStatusCode();
        System.out.printf(Locale.ROOT,
                "{\"probe\":\"cold-start\",\"event\":\"%s\",\"status\":%d,\"jvm_to_main_ms\":%d,\"init_ms\":%d,\"first_event_ms\":%d,"
                        + "\"jvm_start_to_answer_ms\":%d}%n",
                kind, status, jvmStartedToMain, (initEnd - initStart) / 1_000_000, (eventEnd - initEnd) / 1_000_000, jvmUptime);
        handler.close();
        System.exit(status >= 200 && status < 300 ? 0 : 1);
    }

    /** A REST API (payload 1.0) event as API Gateway sends it for stage {@code prod}. */
    static APIGatewayProxyRequestEvent event(String kind) {
        boolean chat = kind.equals("chat");
        String path = chat ? "/v1/chat/completions" : "/v1/models";
        String method = chat ? "POST" : "GET";
        Map<String, String> headers = chat
                ? Map.of("Accept", "application/json", "Content-Type", "application/json", "Host", "probe.execute-api.local")
                : Map.of("Accept", "application/json", "Host", "probe.execute-api.local");
        return new APIGatewayProxyRequestEvent()
                .withResource("/{proxy+}")
                .withPath(path)
                .withHttpMethod(method)
                .withHeaders(headers)
                .withMultiValueHeaders(headers.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))))
                .withBody(chat ? CHAT_BODY : null)
                .withIsBase64Encoded(false)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withStage("prod")
                        .withPath("/prod" + path)
                        .withHttpMethod(method)
                        .withResourcePath("/{proxy+}")
                        .withRequestId("cold-start-probe"));
    }
}
