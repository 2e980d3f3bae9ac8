package sai.gateway.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything logged through Logback's root logger while attached, rendered as it happens (level,
 * request id from the MDC, logger, formatted message and the full throwable text), so a later
 * assertion sees exactly what a console or log file would have shown.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

    /** One rendered log event. */
    public record Line(String level, String requestId, String logger, String message, String text) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture() {
    }

    /** Attaches a new capture to the root logger; call before the application context starts to see startup lines. */
    public static LogCapture attachToRoot() {
        LogCapture capture = new LogCapture();
        Logger root = root();
        capture.setContext(root.getLoggerContext());
        capture.setName("test-capture-" + System.identityHashCode(capture));
        capture.start();
        root.addAppender(capture);
        return capture;
    }

    public void detach() {
        root().detachAppender(this);
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // Rendered now: the MDC and argument values belong to the logging thread at this moment.
        Map<String, String> mdc = event.getMDCPropertyMap();
        String requestId = mdc == null ? null : mdc.get("requestId");
        StringBuilder text = new StringBuilder()
                .append(event.getLevel()).append(" [").append(requestId == null ? "no-req" : requestId).append("] ")
                .append(event.getLoggerName()).append(" - ").append(event.getFormattedMessage());
        if (mdc != null && !mdc.isEmpty()) {
            text.append(" mdc=").append(mdc);
        }
        if (event.getThrowableProxy() != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        lines.add(new Line(event.getLevel().toString(), requestId, event.getLoggerName(), event.getFormattedMessage(), text.toString()));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines logged with this request id in the MDC. */
    public List<Line> linesOf(String requestId) {
        return lines.stream().filter(l -> requestId.equals(l.requestId())).toList();
    }

    /** Everything captured, one event per line (throwables spread over several). */
    public String text() {
        StringBuilder all = new StringBuilder();
        for (Line line : lines) {
            all.append(line.text()).append('\n');
        }
        return all.toString();
    }

    private static Logger root() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
