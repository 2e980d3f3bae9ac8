package sai.gateway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventFunction;

/**
 * The handler for API Gateway HTTP APIs and Lambda function URLs (payload format 2.0): Micronaut's
 * {@link APIGatewayV2HTTPEventFunction}, plus one fix. An HTTP API stage other than {@code $default}
 * puts its name in front of the path ({@code /prod/v1/chat/completions}), where REST APIs leave it out;
 * the stage prefix is removed so the same routes answer under any stage.
 * The REST API (payload 1.0) handler is Micronaut's {@code ApiGatewayProxyRequestEventFunction} as it is.
 */
public class HttpApiFunction extends APIGatewayV2HTTPEventFunction {

    private static final String DEFAULT_STAGE = "$default";

    public HttpApiFunction() {
        super();
    }

    public HttpApiFunction(ApplicationContext context) {
        super(context);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        stripStage(event);
        return super.handleRequest(event, context);
    }

    static void stripStage(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext request = event.getRequestContext();
        if (request == null || request.getHttp() == null) {
            return;
        }
        String stage = request.getStage();
        if (stage == null || stage.isEmpty() || DEFAULT_STAGE.equals(stage)) {
            return;
        }
        String prefix = "/" + stage;
        request.getHttp().setPath(withoutPrefix(request.getHttp().getPath(), prefix));
        event.setRawPath(withoutPrefix(event.getRawPath(), prefix));
    }

    private static String withoutPrefix(String path, String prefix) {
        if (path == null) {
            return null;
        }
        if (path.equals(prefix)) {
            return "/";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }
}
