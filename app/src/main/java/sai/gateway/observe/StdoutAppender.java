package sai.gateway.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

import java.io.BufferedOutputStream;
import java.io.IOException;

/**
 * The console (standard output) behind a buffer of its own, for {@link BatchingAppender}, which flushes it once per
 * batch. Logback's ConsoleAppender writes through {@code System.out}, which flushes after every line: one write call
 * per line. Closing this appender flushes the buffer but leaves standard output open for the JVM.
 *
 * <p>The buffer empties into {@code System.out} as it is when the appender starts, not into the file descriptor
 * beneath it: one write per batch all the same, and whoever holds {@code System.out} still sees every line in order
 * with its own writes. Surefire's forked JVM, for one, captures {@code System.out} and talks to Maven over the native
 * stream, which lines written past it corrupt ("Corrupted channel by directly writing to native stream").
 */
public final class StdoutAppender extends OutputStreamAppender<ILoggingEvent> {

    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void start() {
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(System.out, BUFFER_BYTES) {
            @Override
            public void close() throws IOException {
                flush();
            }
        });
        super.start();
    }
}
