package sai.gateway.messages;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import sai.gateway.error.ApiShape;
import sai.gateway.observe.RequestIds;

/** Anthropic's {@code request-id} header (what its SDKs report as an error's request id), beside {@code x-request-id}, on Anthropic-shaped answers. */
// Only where an answer can be Anthropic's (ApiShape): the filter stays off every other request's path.
@ServerFilter(patterns = {"/v1/messages", "/v1/messages/**", "/messages", "/messages/**", "/v1/models", "/v1/models/**", "/models",
        "/models/**"})
public class AnthropicRequestIdFilter implements Ordered {

    @ResponseFilter
    public void expose(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (ApiShape.of(request) == ApiShape.ANTHROPIC) {
            response.header(ApiShape.ANTHROPIC_REQUEST_ID, RequestIds.of(request));
        }
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
