package sai.gateway.observe;

import io.micronaut.http.HttpRequest;

/**
 * Told once per request when its last byte has left (a stream: when it ended), with the status the client got and
 * the request's {@link ExchangeStats}. Runs on the thread that finished the response: must not block.
 */
public interface ExchangeListener {

    void finished(HttpRequest<?> request, int status, ExchangeStats stats);
}
