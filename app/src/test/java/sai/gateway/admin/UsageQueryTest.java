package sai.gateway.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sai.gateway.error.InvalidRequestException;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The range rules of /admin/usage at a fixed now; the HTTP side is in {@link AdminApiContract}. */
class UsageQueryTest {

    static final Instant NOW = Instant.parse("2025-03-10T15:30:00Z");

    @Test
    void byDefaultTheLast30DaysWidenedToWholeDaysGroupedByDay() {
        UsageQuery query = UsageQuery.of(null, " ", null, null, null, null, NOW);

        assertThat(query.from()).isEqualTo(Instant.parse("2025-02-08T00:00:00Z"));
        assertThat(query.to()).isEqualTo(Instant.parse("2025-03-11T00:00:00Z"));
        assertThat(query.groupBy()).containsExactly("day");
        assertThat(query.tenantId()).isNull();
    }

    @Test
    void aDateInToIncludesThatDaySoFromAndToCanBeTheSameDay() {
        UsageQuery query = UsageQuery.of("2025-01-31", "2025-01-31", "model , KEY,day,key", "ten_1", " ", "sai-model", NOW);

        assertThat(query.from()).isEqualTo(Instant.parse("2025-01-31T00:00:00Z"));
        assertThat(query.to()).isEqualTo(Instant.parse("2025-02-01T00:00:00Z"));
        assertThat(query.groupBy()).containsExactly("day", "key", "model");
        assertThat(query.tenantId()).isEqualTo("ten_1");
        assertThat(query.keyId()).isNull();
        assertThat(query.model()).isEqualTo("sai-model");
    }

    @Test
    void unixSecondsOnAMidnightStayAndOthersWidenToTheirDays() {
        UsageQuery exact = UsageQuery.of("1735689600", "1735776000", null, null, null, null, NOW);
        assertThat(exact.from().getEpochSecond()).isEqualTo(1735689600L);
        assertThat(exact.to().getEpochSecond()).isEqualTo(1735776000L);

        UsageQuery partial = UsageQuery.of("1735689601", "1735776001", null, null, null, null, NOW);
        assertThat(partial.from().getEpochSecond()).isEqualTo(1735689600L);
        assertThat(partial.to().getEpochSecond()).isEqualTo(1735776000L + 86_400);
    }

    @Test
    void fourHundredDaysAreAllowedAndOneSecondMoreIsNot() {
        long from = 1_700_000_000L;
        assertThat(UsageQuery.of(Long.toString(from), Long.toString(from + 400 * 86_400L), null, null, null, null, NOW)).isNotNull();
        assertThatThrownBy(() -> UsageQuery.of(Long.toString(from), Long.toString(from + 400 * 86_400L + 1), null, null, null, null, NOW))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo("from"));
    }

    @ParameterizedTest(name = "from={0} to={1} group_by={2}")
    @CsvSource(delimiter = '|', value = {
            "abc||| from", "2025-02-30||| from", "2025-1-01||| from", "-5||| from", "1.5||| from", "2025-01-01T00:00||| from",
            "|x||to", "|999999999999999||to", "|253402300800||to",
            "2025-03-01|2025-02-01||from", "1735689600|1735689600||from", "2025-03-11||| from",
            "||week|group_by", "||day,,key|group_by", "||day,|group_by"})
    void aBadParameterIsRefusedNamingIt(String from, String to, String groupBy, String param) {
        assertThatThrownBy(() -> UsageQuery.of(from, to, groupBy, null, null, null, NOW))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.param()).isEqualTo(param.strip()));
    }
}
