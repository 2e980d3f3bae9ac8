package sai.gateway.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands every line to one writer thread that writes them in batches to the appenders it holds (the console and the
 * file) and flushes each once per batch. Logback's own AsyncAppender woke its worker for every line, one per appender,
 * and its appenders made one write call per line: with four lines per request that was about a quarter of the
 * gateway's CPU under load (the profile in issue 16's note). Here a request thread only queues the line; the writer,
 * once it has written a batch, waits a millisecond for the next lines to gather instead of being woken for each, and
 * sleeps until the next line only when one of those waits brought none.
 *
 * <p>No line is dropped: a full queue makes the logging thread wait (the queue holds {@code queueSize} lines, 8192 by
 * default). {@link #stop()} writes what is queued (at most {@code maxFlushSeconds}) and stops the appenders it holds.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> implements AppenderAttachable<ILoggingEvent> {

    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int MAX_BATCH = 1024;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private int maxFlushSeconds = 5;
    private BlockingQueue<ILoggingEvent> queue;
    private Thread writer;
    // Set by the writer just before it sleeps without a deadline; a logging thread that sees it wakes the writer.
    private volatile boolean sleeping;
    private volatile boolean stopping;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setMaxFlushSeconds(int maxFlushSeconds) {
        this.maxFlushSeconds = maxFlushSeconds;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1) {
            addError("queueSize must be at least 1, was " + queueSize);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        stopping = false;
        writer = new Thread(this::writeUntilStopped, "log-writer-" + getName());
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The writer formats the line later, on its thread: the message, MDC (the request id) and thread name now.
        event.prepareForDeferredProcessing();
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(event);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (sleeping) {
            LockSupport.unpark(writer);
        }
    }

    private void writeUntilStopped() {
        List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            queue.drainTo(batch, MAX_BATCH);
            if (!batch.isEmpty()) {
                try {
                    write(batch);
                } catch (Throwable e) {
                    // The writer must outlive anything an appender throws: without it every logging thread would
                    // wait forever once the queue is full.
                    addError("writing " + batch.size() + " log lines failed", e);
                }
                batch.clear();
                if (!stopping && queue.isEmpty()) {
                    LockSupport.parkNanos(this, LINGER_NANOS);
                }
                continue;
            }
            if (stopping) {
                return;
            }
            // The flag is written before the queue is read again, and a logging thread reads it after its put: one of
            // the two sees the other, so a line is never left waiting for a writer that sleeps.
            sleeping = true;
            if (queue.isEmpty() && !stopping) {
                LockSupport.park(this);
            }
            sleeping = false;
            Thread.interrupted(); // nobody should interrupt it; an interrupt must not make park return at once forever
        }
    }

    private void write(List<ILoggingEvent> batch) {
        for (ILoggingEvent event : batch) {
            appenders.appendLoopOnAppenders(event);
        }
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
                flush(out);
            }
        }
    }

    private void flush(OutputStreamAppender<ILoggingEvent> appender) {
        OutputStream stream = appender.getOutputStream();
        if (stream == null) {
            return;
        }
        try {
            stream.flush();
        } catch (IOException e) {
            addError("flushing " + appender.getName() + " failed", e);
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        stopping = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(maxFlushSeconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn(queue.size() + " log lines not written within " + maxFlushSeconds + " s of stopping");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
