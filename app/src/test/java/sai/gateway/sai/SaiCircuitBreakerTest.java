package sai.gateway.sai;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import sai.gateway.error.ErrorCode;
import sai.gateway.error.UpstreamException;
import sai.gateway.observe.GatewayMetrics;
import sai.gateway.observe.RequestLog;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The breaker's states on a clock the test moves: what each outcome does, and what a caller is told while it is open. */
class SaiCircuitBreakerTest {

    private static final RequestLog LOG = new RequestLog(LoggerFactory.getLogger(SaiCircuitBreakerTest.class), "unit0000");
    private static final Duration OPEN = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private SaiCircuitBreaker breaker(int failures) {
        return new SaiCircuitBreaker(new SaiBreakerConfiguration(failures, OPEN), new GatewayMetrics(null), now::get);
    }

    @Test
    void opensAfterTheConfiguredFailuresInARow() {
        SaiCircuitBreaker breaker = breaker(3);

        for (int i = 0; i < 2; i++) {
            breaker.admit(LOG);
            breaker.down(LOG);
        }
        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.CLOSED);
        breaker.admit(LOG);
        breaker.down(LOG);

        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.OPEN);
        UpstreamException refused = refused(breaker);
        assertThat(refused.code()).isEqualTo(ErrorCode.UPSTREAM_CIRCUIT_OPEN);
        assertThat(refused.code().status()).isEqualTo(503);
        assertThat(refused.code().code()).isEqualTo("upstream_unavailable");
        assertThat(refused.retryAfterSeconds()).hasValue(30L);
    }

    @Test
    void anyAnswerFromSaiStartsTheCountAgain() {
        SaiCircuitBreaker breaker = breaker(3);

        breaker.down(LOG);
        breaker.down(LOG);
        breaker.answered(LOG);
        breaker.down(LOG);
        breaker.down(LOG);

        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.CLOSED);
        assertThatNoException().isThrownBy(() -> breaker.admit(LOG));
    }

    @Test
    void retryAfterCountsDownToTheProbeInWholeSeconds() {
        SaiCircuitBreaker breaker = open(breaker(1));

        advance(Duration.ofMillis(12_500));
        assertThat(refused(breaker).retryAfterSeconds()).hasValue(18L);
        assertThat(breaker.refusalNow()).hasValueSatisfying(e -> assertThat(e.retryAfterSeconds()).hasValue(18L));
        advance(Duration.ofMillis(17_499));
        assertThat(refused(breaker).retryAfterSeconds()).as("never 0 while refusing").hasValue(1L);
    }

    @Test
    void afterThePauseOneCallProbesAndTheOthersAreStillRefused() {
        SaiCircuitBreaker breaker = open(breaker(1));

        advance(OPEN);
        assertThat(breaker.refusalNow()).as("asking does not take the probe").isEmpty();
        breaker.admit(LOG);

        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.HALF_OPEN);
        assertThat(refused(breaker).retryAfterSeconds()).hasValue(30L);
    }

    @Test
    void aProbeThatReachesSaiClosesIt() {
        SaiCircuitBreaker breaker = open(breaker(1));
        advance(OPEN);
        breaker.admit(LOG);

        breaker.answered(LOG);

        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.CLOSED);
        assertThatNoException().isThrownBy(() -> breaker.admit(LOG));
        assertThat(breaker.refusalNow()).isEmpty();
    }

    @Test
    void aProbeThatFindsSaiDownOpensItForAnotherPause() {
        SaiCircuitBreaker breaker = open(breaker(1));
        advance(OPEN);
        breaker.admit(LOG);
        advance(Duration.ofSeconds(3));

        breaker.down(LOG);

        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.OPEN);
        assertThat(refused(breaker).retryAfterSeconds()).hasValue(30L);
    }

    @Test
    void aProbeThatNeverReportsLetsAnotherCallProbeAfterOnePause() {
        SaiCircuitBreaker breaker = open(breaker(1));
        advance(OPEN);
        breaker.admit(LOG); // then times out, or its client leaves: no outcome

        advance(OPEN.minusSeconds(1));
        refused(breaker);
        advance(Duration.ofSeconds(1));

        assertThatNoException().isThrownBy(() -> breaker.admit(LOG));
        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.HALF_OPEN);
    }

    @Test
    void zeroFailuresTurnsItOff() {
        SaiCircuitBreaker breaker = breaker(0);

        for (int i = 0; i < 100; i++) {
            breaker.down(LOG);
        }

        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.CLOSED);
        assertThatNoException().isThrownBy(() -> breaker.admit(LOG));
    }

    private SaiCircuitBreaker open(SaiCircuitBreaker breaker) {
        breaker.admit(LOG);
        breaker.down(LOG);
        assertThat(breaker.phase()).isEqualTo(SaiCircuitBreaker.Phase.OPEN);
        return breaker;
    }

    private void advance(Duration duration) {
        now.addAndGet(TimeUnit.NANOSECONDS.convert(duration));
    }

    private static UpstreamException refused(SaiCircuitBreaker breaker) {
        UpstreamException refused = catchThrowableOfType(UpstreamException.class, () -> breaker.admit(LOG));
        assertThat(refused).as("refused while open").isNotNull();
        return refused;
    }
}
