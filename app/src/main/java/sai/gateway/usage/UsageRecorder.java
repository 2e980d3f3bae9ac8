package sai.gateway.usage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.serde.ObjectMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sai.gateway.database.TenancyConfiguration;
import sai.gateway.database.TenancyEnabled;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Usage records on their way to the database, off the request path. {@link #record} only offers the record to a
 * bounded queue (never blocks, never throws); one daemon thread, {@code usage-writer}, writes batches of up to
 * {@link Limits#batchSize} records (or what arrived within {@link Limits#linger}) in one transaction each.
 *
 * <p>While the database fails, the failed batch and later records wait in memory (up to
 * {@link Limits#memoryRecords}), then in the spool files under {@code <DATA_DIR>/usage-spool/} (up to
 * {@link Limits#spoolBytes}); writing is retried with a doubling backoff. Memory is written first when the database
 * answers again, then the spool. Only what fits in neither is lost, and it is counted ({@link #dropped()},
 * {@code sai.gateway.usage.dropped}). One warning per outage and one line when it ends; never a record's content,
 * never a driver's message (it can quote values): the exception's class and SQLState only.
 *
 * <p>On shutdown pending records are written within {@link Limits#shutdownTimeout}; what is left goes to the spool,
 * which the next start replays. Raw rows older than {@code USAGE_RETENTION_DAYS} are deleted at start and every
 * {@link Limits#retentionEvery}; the daily roll-ups are never pruned.
 */
@Singleton
@Requires(condition = TenancyEnabled.class)
public final class UsageRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long SLICE_MILLIS = 50;
    private static final long LINGER_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Duration RETENTION_RETRY = Duration.ofMinutes(5);

    /**
     * The bounds and pace of the writer. {@code memoryRecords} bounds the records the writer holds while the database
     * fails; the hand-off queue from the request path has the same capacity.
     */
    public record Limits(int batchSize, Duration linger, int memoryRecords, long spoolBytes, long spoolFileBytes,
                         Duration backoffMin, Duration backoffMax, Duration shutdownTimeout,
                         int retentionDays, Duration retentionEvery) {

        public static Limits defaults(int retentionDays) {
            return new Limits(500, Duration.ofMillis(250), 20_000, 64L << 20, 4L << 20,
                    Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(5), retentionDays, Duration.ofHours(6));
        }
    }

    private enum State { RUNNING, CLOSING, CLOSED }

    private final UsageStore store;
    private final UsageSpool spool;
    private final Limits limits;
    private final Clock clock;
    private final ArrayBlockingQueue<UsageRecord> queue;
    private final Thread writer;
    private final ScheduledExecutorService retention;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    // Records accepted by record() and records the writer is done with (written, spooled or dropped): flush compares them.
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicBoolean dropWarned = new AtomicBoolean();
    private final Object closeLock = new Object();
    private volatile State state = State.RUNNING;
    private volatile long closeDeadline;
    private final AtomicLong flushRequests = new AtomicLong();

    // Only the writer thread touches these.
    private final ArrayDeque<UsageRecord> pending = new ArrayDeque<>();
    private boolean down;
    private long writtenSinceDown;
    private long backoffMillis;
    private boolean refusedWarned;

    @Inject
    UsageRecorder(DataSource dataSource, TenancyConfiguration config, ObjectMapper mapper, BeanProvider<MeterRegistry> registry) {
        // Micronaut Data wraps the pool in a data source that only hands out the connection of a surrounding
        // @Transactional or @Connectable; the writer thread manages its own transactions on the pool itself.
        this(DelegatingDataSource.unwrapDataSource(dataSource), config.dataDirectory().resolve("usage-spool"), mapper,
                Limits.defaults(config.usageRetentionDays()), registry.isPresent() ? registry.get() : null, Clock.systemUTC());
    }

    UsageRecorder(DataSource dataSource, Path spoolDirectory, ObjectMapper mapper, Limits limits,
                  @Nullable MeterRegistry registry, Clock clock) {
        this.store = new UsageStore(dataSource);
        this.spool = new UsageSpool(spoolDirectory, mapper, limits.spoolBytes(), limits.spoolFileBytes());
        this.limits = limits;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(limits.memoryRecords());
        if (registry != null) {
            FunctionCounter.builder("sai.gateway.usage.dropped", dropped, AtomicLong::doubleValue)
                    .description("Usage records lost: the database failed and memory and the spool files were full")
                    .register(registry);
        }
        if (!spool.isEmpty()) {
            LOG.info("[USAGE] {} bytes of usage records in {} from an earlier run: they are written first", spool.bytes(), spool.directory());
        }
        this.retention = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "usage-retention"));
        this.writer = daemon(this::run, "usage-writer");
        writer.start();
        retention.execute(this::pruneAndReschedule);
    }

    /**
     * Takes one answered request's record. Called on the event loop: O(1), never blocks, never throws. After
     * {@link #close()} the record goes straight to the spool file (the next start writes it).
     */
    public void record(UsageRecord record) {
        try {
            if (record == null) {
                return;
            }
            if (state == State.CLOSED) {
                spoolAfterClose(List.of(record));
                return;
            }
            accepted.incrementAndGet();
            if (!queue.offer(record)) {
                accepted.decrementAndGet();
                drop(1);
                return;
            }
            if (state == State.CLOSED) {
                // close() drained the queue between the check above and the offer: nobody else will take it.
                drainAfterClose();
            }
        } catch (RuntimeException e) {
            drop(1);
        }
    }

    /** Records lost since start: memory and spool were full (or the spool could not be written), or unreadable in a spool file. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Records confirmed in the database since start: their batch committed (a batch whose commit answer was lost
     * counts when its retry commits, once).
     */
    public long written() {
        return written.get();
    }

    /** Records handed over by record() and not yet taken by the writer (tests wait on it before the next burst). */
    int queued() {
        return queue.size();
    }

    /**
     * Waits at most {@code timeout} until every record taken before this call is in the database and the spool is
     * empty; the writer skips its linger meanwhile. True when nothing is left to write (lost records, counted in
     * {@link #dropped()}, are not waited for).
     */
    public boolean flush(Duration timeout) {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        flushRequests.incrementAndGet();
        while (true) {
            // Each record taken is settled once (written, spooled or lost); records spooled stay unwritten until the
            // spool is empty, and the spool is replayed only once memory is written: both together mean done.
            if (settled.get() >= target && spool.isEmpty()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0 || !writer.isAlive()) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Writes what is pending within {@link Limits#shutdownTimeout}, spools the rest, and stops the writer. Later
     * records go straight to the spool file.
     */
    @PreDestroy
    @Override
    public void close() {
        synchronized (closeLock) {
            if (state != State.RUNNING) {
                return;
            }
            closeDeadline = System.nanoTime() + limits.shutdownTimeout().toNanos();
            state = State.CLOSING;
        }
        retention.shutdown();
        try {
            writer.join(limits.shutdownTimeout().toMillis() + 2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (closeLock) {
            state = State.CLOSED;
        }
        drainAfterClose();
        synchronized (spool) {
            spool.close();
        }
        if (writer.isAlive()) {
            LOG.warn("[USAGE] the usage writer did not stop within {} s: records of its current batch go to {} when it does",
                    limits.shutdownTimeout().toSeconds() + 2, spool.directory());
        }
    }

    /** Deletes raw rows older than the retention; answers how many. Runs at start and then every {@link Limits#retentionEvery}. */
    long prune() throws SQLException {
        return store.deleteRawBefore(clock.instant().minus(Duration.ofDays(limits.retentionDays())));
    }

    /**
     * Prunes, then comes back after {@link Limits#retentionEvery}, or after {@link #RETENTION_RETRY} when the
     * database did not answer (then silently: the writer reports outages, once).
     */
    private void pruneAndReschedule() {
        long next = limits.retentionEvery().toMillis();
        try {
            long deleted = prune();
            if (deleted > 0) {
                LOG.info("[USAGE] {} usage records older than {} days deleted (daily totals kept)", deleted, limits.retentionDays());
            }
        } catch (SQLException | RuntimeException e) {
            if (unreachable(e)) {
                next = Math.min(next, RETENTION_RETRY.toMillis());
            } else {
                LOG.warn("[USAGE] deleting usage records older than {} days failed ({}): tried again in {} h",
                        limits.retentionDays(), describe(e), limits.retentionEvery().toHours());
            }
        }
        try {
            retention.schedule(this::pruneAndReschedule, next, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** A connection failure (SQLState class 08, or the pool's timeout) rather than a refused statement. */
    private static boolean unreachable(Exception e) {
        String state = UsageStore.sqlState(e);
        return e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    private void run() {
        while (true) {
            absorb();
            if (state != State.RUNNING && (pending.isEmpty() || pastCloseDeadline())) {
                break;
            }
            if (!pending.isEmpty()) {
                List<UsageRecord> batch = new ArrayList<>(Math.min(limits.batchSize(), pending.size()));
                for (UsageRecord record : pending) {
                    if (batch.size() == limits.batchSize()) {
                        break;
                    }
                    batch.add(record);
                }
                if (write(batch)) {
                    for (int i = 0; i < batch.size(); i++) {
                        pending.removeFirst();
                    }
                    settled.addAndGet(batch.size());
                }
                continue;
            }
            if (state == State.RUNNING && !spool.isEmpty()) {
                replayOldestSpoolFile();
                continue;
            }
            endOutageIfDone();
            awaitBatch();
        }
        List<UsageRecord> left = new ArrayList<>(pending);
        pending.clear();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            int kept = spoolAfterClose(left);
            LOG.warn("[USAGE] {} usage records not written before shutdown: kept in {} for the next start", kept, spool.directory());
        }
    }

    /** Waits for the first record (briefly, so closing is noticed), then for more until a batch is full or the linger ends. */
    private void awaitBatch() {
        try {
            UsageRecord first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            pending.add(UsageStore.clean(first));
            long flushes = flushRequests.get();
            long end = System.nanoTime() + limits.linger().toNanos();
            int batch = Math.min(limits.batchSize(), limits.memoryRecords());
            while (pending.size() < batch && state == State.RUNNING && flushes == flushRequests.get()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                // Short sleeps, then whatever arrived meanwhile: a wait on the queue itself was woken by every record, one
                // thread switch per request under load (issue 16's note).
                LockSupport.parkNanos(Math.min(left, LINGER_SLICE_NANOS));
                Thread.interrupted(); // see below
                absorb();
            }
        } catch (InterruptedException e) {
            // nobody interrupts this thread (H2 closes a file database under an interrupted thread); keep going
            Thread.interrupted();
        }
    }

    /** Moves the queue into memory; beyond the memory bound into the spool; beyond that it is lost and counted. */
    private void absorb() {
        if (queue.isEmpty()) {
            return;
        }
        List<UsageRecord> overflow = null;
        UsageRecord record;
        while ((record = queue.poll()) != null) {
            UsageRecord clean = UsageStore.clean(record);
            if (pending.size() < limits.memoryRecords()) {
                pending.add(clean);
            } else {
                if (overflow == null) {
                    overflow = new ArrayList<>();
                }
                overflow.add(clean);
            }
        }
        if (overflow != null) {
            int kept;
            synchronized (spool) {
                kept = spool.append(overflow);
            }
            drop(overflow.size() - kept);
            settled.addAndGet(overflow.size());
        }
    }

    /** One batch in one transaction. False when the database failed: the caller keeps the batch and tries again. */
    private boolean write(List<UsageRecord> batch) {
        try {
            store.write(batch);
        } catch (SQLException e) {
            if (!UsageStore.refused(e)) {
                failed(e);
                return false;
            }
            return writeOneByOne(batch);
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
        succeeded(batch.size());
        return true;
    }

    /** The database refused the batch's data: each record alone, so one bad record costs only itself. */
    private boolean writeOneByOne(List<UsageRecord> batch) {
        int refused = 0;
        String state = null;
        for (UsageRecord record : batch) {
            try {
                store.write(List.of(record));
            } catch (SQLException e) {
                if (!UsageStore.refused(e)) {
                    // the database went away meanwhile: the whole batch again later (what went in is skipped then)
                    failed(e);
                    return false;
                }
                refused++;
                state = UsageStore.sqlState(e);
            }
        }
        if (refused > 0) {
            dropped.addAndGet(refused);
            if (!refusedWarned) {
                refusedWarned = true;
                LOG.warn("[USAGE] the database refused {} usage records (SQLState {}): they are dropped and counted; later refusals are only counted",
                        refused, state);
            }
        }
        succeeded(batch.size() - refused);
        return true;
    }

    private void replayOldestSpoolFile() {
        Path file;
        UsageSpool.Replay replay;
        synchronized (spool) {
            file = spool.oldest();
        }
        if (file == null) {
            return;
        }
        try {
            replay = spool.read(file);
        } catch (IOException e) {
            LOG.warn("[USAGE] spool file {} cannot be read ({}): set aside as {}.unreadable", file, e.getClass().getSimpleName(), file.getFileName());
            synchronized (spool) {
                spool.setAside(file);
            }
            return;
        }
        List<UsageRecord> records = replay.records();
        for (int from = 0; from < records.size(); from += limits.batchSize()) {
            List<UsageRecord> batch = new ArrayList<>(records.subList(from, Math.min(records.size(), from + limits.batchSize())));
            batch.replaceAll(UsageStore::clean);
            // Until the whole file is in, a failure means the whole file again later: what went in is skipped then.
            if (!write(batch)) {
                return;
            }
            absorb();
            if (state != State.RUNNING) {
                return;
            }
        }
        if (replay.unreadable() > 0) {
            dropped.addAndGet(replay.unreadable());
            LOG.warn("[USAGE] {} unreadable lines in spool file {} skipped and counted as dropped", replay.unreadable(), file.getFileName());
        }
        synchronized (spool) {
            try {
                spool.delete(file);
            } catch (IOException e) {
                LOG.warn("[USAGE] spool file {} is written but cannot be deleted ({}): set aside", file.getFileName(), e.getClass().getSimpleName());
                spool.setAside(file);
            }
        }
    }

    private void succeeded(int count) {
        written.addAndGet(count);
        backoffMillis = 0;
        if (down) {
            writtenSinceDown += count;
        }
    }

    private void endOutageIfDone() {
        if (down && pending.isEmpty() && queue.isEmpty() && spool.isEmpty()) {
            down = false;
            dropWarned.set(false);
            LOG.info("[USAGE] database answers again: {} records written", writtenSinceDown);
            writtenSinceDown = 0;
        }
    }

    /** Remembers the outage (one warning), then waits the backoff while still taking records off the queue. */
    private void failed(Exception e) {
        if (!down) {
            down = true;
            writtenSinceDown = 0;
            LOG.warn("[USAGE] database unreachable ({}): usage records are kept in memory and then in {} until it answers",
                    describe(e), spool.directory());
        }
        backoffMillis = backoffMillis == 0 ? limits.backoffMin().toMillis() : Math.min(limits.backoffMax().toMillis(), backoffMillis * 2);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        while (System.nanoTime() - end < 0) {
            absorb();
            if (state != State.RUNNING && pastCloseDeadline()) {
                return;
            }
            try {
                Thread.sleep(Math.min(SLICE_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            } catch (InterruptedException ex) {
                Thread.interrupted();
            }
        }
    }

    private boolean pastCloseDeadline() {
        return System.nanoTime() - closeDeadline >= 0;
    }

    private void drainAfterClose() {
        List<UsageRecord> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            spoolAfterClose(left);
        }
    }

    private int spoolAfterClose(Collection<UsageRecord> records) {
        List<UsageRecord> clean = new ArrayList<>(records.size());
        for (UsageRecord record : records) {
            clean.add(UsageStore.clean(record));
        }
        int kept;
        synchronized (spool) {
            kept = spool.append(clean);
        }
        drop(records.size() - kept);
        settled.addAndGet(records.size());
        return kept;
    }

    private void drop(int count) {
        if (count <= 0) {
            return;
        }
        dropped.addAndGet(count);
        if (dropWarned.compareAndSet(false, true)) {
            LOG.warn("[USAGE] usage records are being dropped: memory and {} are full (counted in sai.gateway.usage.dropped)", spool.directory());
        }
    }

    private static String describe(Exception e) {
        String state = UsageStore.sqlState(e);
        return state == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ", SQLState " + state;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
