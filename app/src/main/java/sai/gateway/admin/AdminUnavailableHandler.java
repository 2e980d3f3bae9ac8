package sai.gateway.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.database.TenancyEnabled;
import sai.gateway.observe.RequestIds;
import sai.gateway.observe.RequestLog;
import sai.gateway.openai.ErrorResponse;

/**
 * {@link AdminUnavailable} as a 503 in the OpenAI shape with code {@code usage_unavailable}. Here and not in the
 * error package because {@code ErrorCode} has no code for a database outage yet; the message is English only, as
 * the rest of the admin API's own messages are.
 */
@Produces
@Singleton
@Requires(condition = TenancyEnabled.class)
class AdminUnavailableHandler implements ExceptionHandler<AdminUnavailable, HttpResponse<?>> {

    static final String CODE = "usage_unavailable";
    private static final Logger LOG = LoggerFactory.getLogger(AdminUnavailableHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, AdminUnavailable exception) {
        new RequestLog(LOG, RequestIds.of(request)).warn("[ADMIN] {} {} answered 503: {}", request.getMethodName(), request.getPath(),
                exception.getMessage());
        return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ErrorResponse.of(AdminUnavailable.MESSAGE, "server_error", null, CODE));
    }
}
