package sai.gateway.usage;

import io.micronaut.serde.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** Records with varied tenants, keys, models, days and outcomes, and what the daily roll-up must then hold. */
final class UsageFixtures {

    static final ObjectMapper MAPPER = ObjectMapper.getDefault();
    static final Instant DAY_ONE = Instant.parse("2031-03-04T10:15:30.123456Z");
    private static final AtomicInteger IDS = new AtomicInteger();

    private UsageFixtures() {
    }

    static UsageRecord record(Instant at, String tenant, String key, String model, int status, long prompt, long completion,
                              long latency, boolean cacheHit) {
        // Fixed-width ids: every record serializes to the same length, so spool bounds can be counted in records.
        String id = String.format("rec-%08d", IDS.incrementAndGet());
        return new UsageRecord(id, at, "req-" + id, tenant, key, "chat", model, false, status,
                status >= 400 ? "upstream_error" : null, prompt, completion, latency, latency / 2, "tenant", cacheHit,
                cacheHit ? prompt + completion + 1 : 0);
    }

    /** {@code count} records over two UTC days, two tenants and none, three keys and none, two models, some failed, some cached. */
    static List<UsageRecord> varied(int count) {
        List<UsageRecord> records = new ArrayList<>();
        String[] tenants = {"ten-a", "ten-b", null};
        String[] keys = {"key-a1", "key-b1", null, "key-a2"};
        String[] models = {"gpt-4o", "claude-sonnet"};
        for (int i = 0; i < count; i++) {
            int t = i % 3;
            String key = t == 0 ? (i % 2 == 0 ? keys[0] : keys[3]) : t == 1 ? keys[1] : keys[2];
            Instant at = DAY_ONE.plus(Duration.ofHours(i % 2 == 0 ? 0 : 14)).plusMillis(i);
            records.add(record(at, tenants[t], key, models[i % 5 == 0 ? 1 : 0], i % 7 == 0 ? 502 : 200,
                    10 + i, 3 + (i % 11), 100 + i, i % 4 == 0));
        }
        return records;
    }

    /** day|tenant|key|model -> requests, errors, prompt, completion, latency, cache hits: the roll-up these records make. */
    static Map<String, List<Long>> rollUp(List<UsageRecord> records) {
        Map<String, long[]> sums = new TreeMap<>();
        for (UsageRecord r : records) {
            String group = LocalDate.ofInstant(r.occurredAt(), ZoneOffset.UTC) + "|" + (r.tenantId() == null ? "" : r.tenantId())
                    + "|" + (r.keyId() == null ? "" : r.keyId()) + "|" + r.model();
            long[] s = sums.computeIfAbsent(group, g -> new long[7]);
            s[0]++;
            s[1] += r.status() >= 400 || r.errorCode() != null ? 1 : 0;
            s[2] += r.promptTokens();
            s[3] += r.completionTokens();
            s[4] += r.latencyMs();
            s[5] += r.cacheHit() ? 1 : 0;
            s[6] += r.tokensSaved();
        }
        Map<String, List<Long>> result = new TreeMap<>();
        sums.forEach((group, s) -> result.put(group, List.of(s[0], s[1], s[2], s[3], s[4], s[5], s[6])));
        return result;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
