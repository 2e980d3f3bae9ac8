package sai.gateway.usage;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The beans as the gateway creates them with an admin key: the recorder writes through the application's pool
 * (Micronaut Data's wrapper around it serves only @Transactional code) and the totals and the explorer read it back.
 */
class UsageWiringTest {

    @TempDir
    Path dataDir;

    /** The settings the startup check requires of every gateway. */
    private static Map<String, Object> withSai(Map<String, Object> properties) {
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.putAll(Map.of("SAI_URL", "https://sai.example.com", "SAI_TEMPLATE_ID", "template-1", "SAI_KEY", "k"));
        return all;
    }

    @Test
    void withAnAdminKeyRecordsReachTheDatabaseAndTheTotals() {
        String url = "jdbc:h2:mem:wiring-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + TestDatabase.H2_MODE;
        Map<String, Object> properties = Map.of("tenancy.admin-key", "test-admin-key-0123456789",
                "tenancy.database-url", url, "tenancy.data-dir", dataDir.toString());
        try (ApplicationContext context = ApplicationContext.run(withSai(properties), "test")) {
            UsageRecorder recorder = context.getBean(UsageRecorder.class);
            UsageRecord record = UsageFixtures.record(Instant.parse("2031-03-04T10:00:00Z"), "ten-a", "key-a1", "gpt-4o", 200, 11, 4, 9, false);

            recorder.record(record);

            assertThat(recorder.flush(Duration.ofSeconds(20))).isTrue();
            List<UsageGroup> totals = context.getBean(UsageTotals.class).totals(Instant.parse("2031-03-04T00:00:00Z"),
                    Instant.parse("2031-03-05T00:00:00Z"), Set.of("tenant"), null, null, null);
            assertThat(totals).containsExactly(new UsageGroup(null, "ten-a", null, null, 1, 0, 11, 4, 9, 0, 0));
            List<UsageExplorer.Top> top = context.getBean(UsageExplorer.class).top(Instant.parse("2031-03-04T00:00:00Z"),
                    Instant.parse("2031-03-05T00:00:00Z"), "key", 5, UsageExplorer.Filter.NONE);
            assertThat(top).containsExactly(new UsageExplorer.Top("key-a1", 1, 0, 11, 4));
        }
    }
}
