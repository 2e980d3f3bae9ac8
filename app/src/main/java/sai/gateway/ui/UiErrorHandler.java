package sai.gateway.ui;

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

/** A dashboard form without its session's token changed nothing: 403, and a line for the operator. */
@Produces
@Singleton
@Requires(condition = TenancyEnabled.class)
class UiErrorHandler implements ExceptionHandler<UiForms.UiCsrfException, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(UiErrorHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, UiForms.UiCsrfException exception) {
        new RequestLog(LOG, RequestIds.of(request)).warn("[UI] refused {} {} | reason=missing or wrong CSRF token",
                request.getMethodName(), request.getPath());
        return HttpResponse.status(HttpStatus.FORBIDDEN)
                .body("This form has expired or did not come from the dashboard: reload the page and try again.\n")
                .contentType(MediaType.TEXT_PLAIN_TYPE);
    }
}
