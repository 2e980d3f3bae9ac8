package sai.gateway.usage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage record ids: UUIDs that sort in the order they were made, so the database appends them. */
class UsageRecordIdTest {

    @Test
    void idsAreVersionSevenUuidsCarryingTheirMillisecond() {
        long millis = 1_764_633_600_123L;
        UUID id = UUID.fromString(UsageCapture.recordId(millis, new Random(1)));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsText() {
        Random random = new Random(7);
        List<String> made = new ArrayList<>();
        for (long millis = 1_764_633_600_000L; millis < 1_764_633_600_000L + 5_000; millis += 7) {
            made.add(UsageCapture.recordId(millis, random));
        }
        assertThat(made).isSorted();
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        HashSet<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(UsageCapture.recordId());
        }
        assertThat(ids).hasSize(100_000);
    }
}
