package sai.gateway.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer logback.xml puts in front of the console and the file: every line arrives, in order, flushed, and none is dropped. */
// A writer that never wakes would leave the logging threads waiting for room: a failure, not a hang.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BatchingAppenderTest {

    private final LoggerContext context = context();
    private final Logger logger = context.getLogger("sai.gateway.batching");
    private BatchingAppender writer;

    @AfterEach
    void stop() {
        if (writer != null) {
            writer.stop();
        }
    }

    @Test
    void everyLineFromManyThreadsArrivesInEachThreadsOrder() throws Exception {
        Recording recording = new Recording(null);
        start(8192, recording);
        int threads = 8;
        int lines = 5_000;
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            loggers.add(started(() -> {
                for (int i = 0; i < lines; i++) {
                    writer.doAppend(event("t" + id + " " + i));
                }
            }));
        }
        for (Thread thread : loggers) {
            thread.join();
        }
        writer.stop();

        assertThat(recording.messages).hasSize(threads * lines);
        int[] next = new int[threads];
        for (String message : recording.messages) {
            String[] parts = message.split(" ");
            int thread = Integer.parseInt(parts[0].substring(1));
            assertThat(Integer.parseInt(parts[1])).as("the next line of thread %d", thread).isEqualTo(next[thread]);
            next[thread]++;
        }
    }

    @Test
    void aLineLoggedWhileTheWriterSleepsIsWrittenAndFlushedWithoutAnotherLine() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> buffered = new OutputStreamAppender<>();
        buffered.setContext(context);
        buffered.setName("BUFFERED");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        buffered.setEncoder(encoder);
        buffered.setImmediateFlush(false);
        // A buffer far larger than the lines: only the writer's flush can bring them to the sink.
        buffered.setOutputStream(new BufferedOutputStream(synchronizedView(sink), 1 << 20));
        buffered.start();
        start(16, buffered);

        writer.doAppend(event("first"));
        awaitTrue(() -> text(sink).equals("first\n"));
        Thread.sleep(200); // long past the writer's linger: it sleeps until the next line
        writer.doAppend(event("second"));
        awaitTrue(() -> text(sink).equals("first\nsecond\n"));
    }

    @Test
    void aFullQueueMakesTheLoggerWaitAndDropsNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording slow = new Recording(release);
        start(2, slow);
        Thread logging = started(() -> {
            for (int i = 0; i < 50; i++) {
                writer.doAppend(event("line " + i));
            }
        });
        awaitTrue(() -> logging.getState() == Thread.State.WAITING || logging.getState() == Thread.State.TIMED_WAITING);
        assertThat(logging.isAlive()).as("the logging thread waits for room in the queue").isTrue();
        release.countDown();
        logging.join(TimeUnit.SECONDS.toMillis(10));
        writer.stop();
        assertThat(slow.messages).hasSize(50).startsWith("line 0").endsWith("line 49");
    }

    @Test
    void stoppingWritesWhatIsQueuedAndStopsTheAppenders() {
        Recording recording = new Recording(null);
        recording.delayMillis = 1;
        start(8192, recording);
        for (int i = 0; i < 300; i++) {
            writer.doAppend(event("line " + i));
        }
        writer.stop();
        assertThat(recording.messages).hasSize(300);
        assertThat(recording.isStarted()).as("the appenders it holds are stopped with it").isFalse();
        writer.doAppend(event("after stop"));
        assertThat(recording.messages).hasSize(300);
    }

    private void start(int queueSize, ch.qos.logback.core.Appender<ILoggingEvent> child) {
        child.setContext(context);
        if (!child.isStarted()) {
            child.start();
        }
        writer = new BatchingAppender();
        writer.setContext(context);
        writer.setName("WRITER");
        writer.setQueueSize(queueSize);
        writer.addAppender(child);
        writer.start();
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    private static Thread started(Runnable task) {
        Thread thread = new Thread(task);
        thread.start();
        return thread;
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent(BatchingAppenderTest.class.getName(), logger, Level.INFO, message, null, null);
    }

    private static String text(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.UTF_8);
        }
    }

    private static java.io.OutputStream synchronizedView(ByteArrayOutputStream sink) {
        return new java.io.OutputStream() {
            @Override
            public void write(int b) {
                synchronized (sink) {
                    sink.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 10 s").isNegative();
            Thread.sleep(5);
        }
    }

    /** Keeps every message it is given; waits for {@code release} first when there is one. */
    private static final class Recording extends AppenderBase<ILoggingEvent> {
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());
        private final CountDownLatch release;
        volatile int delayMillis;

        Recording(CountDownLatch release) {
            this.release = release;
        }

        @Override
        protected void append(ILoggingEvent event) {
            try {
                if (release != null) {
                    release.await();
                }
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            messages.add(event.getFormattedMessage());
        }
    }
}
