package sai.gateway.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's logback.xml keeps the old gateway's file, {@code logs/sai_handler.log}, rotated at 5 MB with
 * 3 backups, and the rotation holds in a burst: 16 MB written as fast as the appender takes it leaves no file
 * much over 5 MB (logback checks the size only once a minute by default, so a burst once grew one file to 10.5 MB).
 */
class LogRotationTest {

    private static final long FIVE_MB = 5L * 1024 * 1024;
    private static final String LINE = "x".repeat(300);

    private LoggerContext context;
    private Path dir;

    @AfterEach
    void stop() throws IOException {
        if (context != null) {
            context.stop();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void aBurstRotatesAtFiveMegabytesKeepingThreeBackups() throws Exception {
        dir = Files.createTempDirectory("sai-rotation");
        RollingFileAppender<ILoggingEvent> file = fileAppender();
        ch.qos.logback.classic.Logger logger = context.getLogger("sai.gateway.burst");

        // Straight into the file appender, as its worker thread would: a burst at the appender's own speed.
        for (int i = 0; i < 16 * 1024 * 1024 / LINE.length(); i++) {
            file.doAppend(new LoggingEvent(LogRotationTest.class.getName(), logger, Level.INFO, LINE, null, null));
        }
        file.stop();

        Path active = dir.resolve("sai_handler.log");
        assertThat(active).exists();
        for (Path log : new Path[]{active, dir.resolve("sai_handler.log.1"), dir.resolve("sai_handler.log.2"), dir.resolve("sai_handler.log.3")}) {
            assertThat(log).as("%s exists", log.getFileName()).exists();
            assertThat(Files.size(log)).as("size of %s", log.getFileName()).isLessThanOrEqualTo(FIVE_MB + 1024);
        }
        for (int i = 1; i <= 3; i++) {
            // What rolled away is kept whole: a size count that is not reset at a rollover rolls at every line after.
            assertThat(Files.size(dir.resolve("sai_handler.log." + i))).as("size of sai_handler.log.%d", i).isGreaterThanOrEqualTo(FIVE_MB - 1024);
        }
        assertThat(dir.resolve("sai_handler.log.4")).as("three backups at most").doesNotExist();
    }

    @Test
    void aFileLeftByTheLastRunCountsTowardsItsFiveMegabytes() throws Exception {
        dir = Files.createTempDirectory("sai-rotation");
        long left = FIVE_MB - 512 * 1024;
        Files.write(dir.resolve("sai_handler.log"), "y".repeat((int) left).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        RollingFileAppender<ILoggingEvent> file = fileAppender();
        ch.qos.logback.classic.Logger logger = context.getLogger("sai.gateway.restart");

        // 1 MB after a restart: the file passes 5 MB half-way through and rolls over there, not 5 MB later.
        for (int i = 0; i < 1024 * 1024 / LINE.length(); i++) {
            file.doAppend(new LoggingEvent(LogRotationTest.class.getName(), logger, Level.INFO, LINE, null, null));
        }
        file.stop();

        Path backup = dir.resolve("sai_handler.log.1");
        assertThat(backup).as("the old file rolled over").exists();
        assertThat(Files.size(backup)).isBetween(FIVE_MB - 1024, FIVE_MB + 1024);
        assertThat(Files.size(dir.resolve("sai_handler.log"))).isLessThan(1024 * 1024);
    }

    private RollingFileAppender<ILoggingEvent> fileAppender() throws Exception {
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.putProperty("LOG_DIR", dir.toString());
        context.putProperty("LOG_FORMAT", "text");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogRotationTest.class.getResource("/logback.xml"));
        Appender<ILoggingEvent> writer = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("WRITER");
        assertThat(writer).as("logback.xml writes a file through WRITER").isInstanceOf(BatchingAppender.class);
        Appender<ILoggingEvent> file = ((BatchingAppender) writer).getAppender("FILE");
        assertThat(file).isInstanceOf(RollingFileAppender.class);
        @SuppressWarnings("unchecked")
        RollingFileAppender<ILoggingEvent> rolling = (RollingFileAppender<ILoggingEvent>) file;
        assertThat(Path.of(rolling.getFile())).isEqualTo(dir.resolve("sai_handler.log"));
        return rolling;
    }

}
