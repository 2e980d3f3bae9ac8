package sai.gateway.observe;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The encoder {@code logback.xml} gives every appender, chosen by {@code LOG_FORMAT}: {@code text} writes
 * the readable pattern, {@code json} one JSON object per line ({@link JsonLineEncoder}). One appender per
 * destination either way: two file appenders on one file, picked by name, would make logback report a
 * collision at every start. An unknown value falls back to text without a word from logback: the startup
 * check ({@code sai.gateway.StartupConfigurationCheck}) then stops the gateway with one line naming
 * {@code LOG_FORMAT}, which logback's multi-line status dump would only bury.
 */
public class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

    private String format = "text";
    private String pattern = "%-5level [%X{requestId:-no-req}] %logger{0} - %msg%n";
    private Encoder<ILoggingEvent> delegate;

    public void setFormat(String format) {
        this.format = format == null ? "text" : format.trim();
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        if (format.equals("json")) {
            delegate = new JsonLineEncoder();
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            delegate = text;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }
}
