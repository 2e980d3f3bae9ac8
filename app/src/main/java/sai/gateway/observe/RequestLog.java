package sai.gateway.observe;

import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * A logger bound to one request. Reactive steps run on whatever thread the network gives them, so the
 * request id is put into the MDC around each line rather than trusted to be there already.
 */
public final class RequestLog {

    private final Logger log;
    private final String requestId;

    public RequestLog(Logger log, String requestId) {
        this.log = log;
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }

    public RequestLog with(Logger other) {
        return new RequestLog(other, requestId);
    }

    public boolean isDebugEnabled() {
        return log.isDebugEnabled();
    }

    public void debug(String format, Object... args) {
        if (log.isDebugEnabled()) {
            try (var ignored = MDC.putCloseable(RequestIds.MDC_KEY, requestId)) {
                log.debug(format, args);
            }
        }
    }

    public void info(String format, Object... args) {
        try (var ignored = MDC.putCloseable(RequestIds.MDC_KEY, requestId)) {
            log.info(format, args);
        }
    }

    public void warn(String format, Object... args) {
        try (var ignored = MDC.putCloseable(RequestIds.MDC_KEY, requestId)) {
            log.warn(format, args);
        }
    }

    public void error(String format, Object... args) {
        try (var ignored = MDC.putCloseable(RequestIds.MDC_KEY, requestId)) {
            log.error(format, args);
        }
    }
}
