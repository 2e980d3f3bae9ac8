package sai.gateway.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console appender logback.xml puts behind WRITER: its lines reach {@code System.out}, whoever holds it (the JVM's
 * standard output, or Surefire's capture, whose channel to Maven is the native stream that writing past it corrupts),
 * one write per flush, and stopping it leaves {@code System.out} open.
 */
class StdoutAppenderTest {

    private final PrintStream original = System.out;
    private StdoutAppender appender;

    @AfterEach
    void restore() {
        if (appender != null) {
            appender.stop();
        }
        System.setOut(original);
    }

    @Test
    void linesGoThroughSystemOutOneWritePerFlushAndStoppingLeavesItOpen() {
        CountingSink sink = new CountingSink();
        System.setOut(new PrintStream(sink, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender = new StdoutAppender();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();

        for (int i = 0; i < 100; i++) {
            appender.doAppend(new LoggingEvent(StdoutAppenderTest.class.getName(), context.getLogger("stdout"), Level.INFO, "line " + i, null, null));
        }
        assertThat(sink.text()).as("nothing before the flush: the appender buffers").isEmpty();
        appender.stop();

        assertThat(sink.text().lines()).hasSize(100).startsWith("line 0").endsWith("line 99");
        assertThat(sink.writes).as("write calls for 100 lines").isEqualTo(1);
        System.out.print("after");
        System.out.flush();
        assertThat(System.out.checkError()).as("System.out still open").isFalse();
        assertThat(sink.text()).endsWith("line 99\nafter");
    }

    private static final class CountingSink extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public synchronized void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            throw new AssertionError("System.out must not be closed");
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
