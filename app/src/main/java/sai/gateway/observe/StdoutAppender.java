package sai.gateway.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * The console (standard output) behind a buffer of its own, for {@link BatchingAppender}, which flushes it once per
 * batch. Logback's ConsoleAppender writes through {@code System.out}, which flushes after every line: one write call
 * per line. Closing this appender flushes the buffer but leaves standard output open for the JVM.
 */
public final class StdoutAppender extends OutputStreamAppender<ILoggingEvent> {

    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void start() {
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), BUFFER_BYTES) {
            @Override
            public void close() throws IOException {
                flush();
            }
        });
        super.start();
    }
}
