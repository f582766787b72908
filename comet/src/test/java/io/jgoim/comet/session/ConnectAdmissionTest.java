package io.jgoim.comet.session;

import io.jgoim.comet.metrics.CometMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adaptive bound of Connects waiting for logic (logicTimeout 4 s: a 2 s target latency; ceiling 2,048): a storm
 * into a logic that answers slowly is cut to what it answers in time, the excess refused at once; one that answers
 * fast gets the ceiling back. Counts of admitted and refused, no timing: latencies are given, not measured.
 */
class ConnectAdmissionTest {
    private static final long FAST = 5_000_000L; // 5 ms
    private static final long SLOW = 3_000_000_000L; // 3 s: past the 2 s target
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ConnectAdmission admission = new ConnectAdmission(2_048, Duration.ofSeconds(4),
            new CometMetrics(registry));

    /** Offers {@code n} auths at once; returns how many were admitted. */
    private int offer(int n) {
        int admitted = 0;
        for (int i = 0; i < n; i++) {
            if (admission.tryAcquire()) {
                admitted++;
            }
        }
        return admitted;
    }

    private void answer(int n, long nanos, boolean answered) {
        for (int i = 0; i < n; i++) {
            admission.done(nanos, answered);
        }
    }

    @Test
    void shouldStartBelowTheCeilingAndRefuseTheExcessOfAStormAtOnce() {
        assertThat(admission.limit()).isEqualTo(ConnectAdmission.INITIAL_LIMIT);
        assertThat(offer(3_000)).isEqualTo(ConnectAdmission.INITIAL_LIMIT);
        assertThat(admission.pending()).isEqualTo(ConnectAdmission.INITIAL_LIMIT);
        assertThat(registry.get("jgoim_comet_connects_shed").counter().count())
                .isEqualTo(3_000 - ConnectAdmission.INITIAL_LIMIT);
    }

    @Test
    void shouldGrowWhileLogicAnswersInTimeUpToTheCeiling() {
        for (int round = 0; round < 40; round++) {
            int n = offer(admission.limit());
            answer(n, FAST, true);
        }
        assertThat(admission.limit()).isEqualTo(2_048);
        assertThat(admission.pending()).isZero();
    }

    @Test
    void shouldShrinkWhenLogicAnswersLateOrFailsButNeverBelowTheFloor() throws InterruptedException {
        int before = admission.limit();
        offer(before);
        admission.done(SLOW, true); // late: one decrease
        assertThat(admission.limit()).isEqualTo((int) (before * 0.9));
        admission.done(SLOW, true); // the same slow spell (within 100 ms): no second decrease
        assertThat(admission.limit()).isEqualTo((int) (before * 0.9));
        for (int i = 0; i < 25; i++) {
            Thread.sleep(ConnectAdmission.DECREASE_EVERY_NANOS / 1_000_000 + 1);
            admission.done(0, false); // failed (timed out, unreachable, throttled)
        }
        assertThat(admission.limit()).isEqualTo(ConnectAdmission.MIN_LIMIT);
    }

    @Test
    void shouldKeepAFixedBoundWithoutALogicTimeoutAndNoBoundAtZero() {
        ConnectAdmission fixed = new ConnectAdmission(2, new CometMetrics(new SimpleMeterRegistry()));
        assertThat(fixed.tryAcquire()).isTrue();
        assertThat(fixed.tryAcquire()).isTrue();
        assertThat(fixed.tryAcquire()).isFalse();
        fixed.done(SLOW, false);
        assertThat(fixed.limit()).isEqualTo(2);
        ConnectAdmission unbounded = new ConnectAdmission(0, Duration.ofSeconds(4),
                new CometMetrics(new SimpleMeterRegistry()));
        for (int i = 0; i < 10_000; i++) {
            assertThat(unbounded.tryAcquire()).isTrue();
        }
    }
}
