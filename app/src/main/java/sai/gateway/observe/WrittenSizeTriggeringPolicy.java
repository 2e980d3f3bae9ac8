package sai.gateway.observe;

import ch.qos.logback.core.rolling.LengthCounter;
import ch.qos.logback.core.rolling.LengthCounterBase;
import ch.qos.logback.core.rolling.TriggeringPolicyBase;
import ch.qos.logback.core.util.FileSize;

import java.io.File;

/**
 * Rolls the log file over once the bytes written to it reach {@code maxFileSize}, counted as they are handed to the
 * file (the appender counts them through {@link #getLengthCounter()}, starting from the file's size when it opens it).
 * Logback's SizeBasedTriggeringPolicy asks the file system for the file's length instead: once a minute by default
 * (a burst then grew one file to 10.5 MB), or a stat call for every line, and a buffered file's length on disk trails
 * what was written by up to the buffer.
 */
public final class WrittenSizeTriggeringPolicy<E> extends TriggeringPolicyBase<E> {

    private final LengthCounter written = new LengthCounterBase();
    private FileSize maxFileSize = new FileSize(10L * FileSize.MB_COEFFICIENT);

    public void setMaxFileSize(FileSize maxFileSize) {
        this.maxFileSize = maxFileSize;
    }

    @Override
    public LengthCounter getLengthCounter() {
        return written;
    }

    /** Asked before each line is written: a file ends at most one line past the size. */
    @Override
    public boolean isTriggeringEvent(File activeFile, E event) {
        if (written.getLength() < maxFileSize.getSize()) {
            return false;
        }
        written.reset();
        return true;
    }
}
