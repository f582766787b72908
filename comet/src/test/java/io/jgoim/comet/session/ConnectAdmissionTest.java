package io.jgoim.comet.session;

import io.jgoim.comet.metrics.AdmissionMetrics;
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
            new AdmissionMetrics(registry));

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
        admission.done(SLOW, true); // 3 s against a 2 s target: the limit scaled by 2/3
        int afterLate = admission.limit();
        assertThat(afterLate).isEqualTo((int) (before * (2.0 / 3.0)));
        admission.done(SLOW, true); // sent before that decrease: the same slow spell, no second one
        assertThat(admission.limit()).isEqualTo(afterLate);
        for (int i = 0; i < 25; i++) {
            Thread.sleep(ConnectAdmission.DECREASE_EVERY_NANOS / 1_000_000 + 1);
            admission.done(0, false); // failed (unreachable, throttled) just now: halves
        }
        assertThat(admission.limit()).isEqualTo(ConnectAdmission.MIN_LIMIT);
    }

    /**
     * The quiet-machine ladder's collapse (issue 19): at ×0.9 per 100 ms, the 2,048 Connects a grown limit let in
     * came back late one after another and cut it to 520 within 1.7 s. Now only a Connect sent after the last decrease
     * can lower it again: a second of late answers from before it leaves the limit where the first put it.
     */
    @Test
    void shouldDecreaseOncePerRoundTripNotOncePerLateAnswerOfTheSameSpell() throws InterruptedException {
        ConnectAdmission a = new ConnectAdmission(2_048, Duration.ofMillis(400), new AdmissionMetrics(registry)); // 200 ms
        for (int round = 0; round < 40; round++) {
            int n = 0;
            for (int i = a.limit(); i > 0; i--) {
                n += a.tryAcquire() ? 1 : 0;
            }
            for (int i = 0; i < n; i++) {
                a.done(1_000_000L, true);
            }
        }
        assertThat(a.limit()).isEqualTo(2_048);
        for (int i = 0; i < 2_048; i++) {
            assertThat(a.tryAcquire()).isTrue();
        }
        a.done(250_000_000L, true); // 250 ms against 200: ×0.8
        int once = a.limit();
        assertThat(once).isEqualTo((int) (2_048 * 0.8));
        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) { // the rest of the spell, each sent before the decrease
            if (i % 100 == 0) {
                Thread.sleep(ConnectAdmission.DECREASE_EVERY_NANOS / 1_000_000 + 1);
            }
            a.done(System.nanoTime() - start + 300_000_000L, true);
        }
        assertThat(a.limit()).isEqualTo(once);
        Thread.sleep(ConnectAdmission.DECREASE_EVERY_NANOS / 1_000_000 + 1);
        a.done(150_000_000L, false); // sent after the decrease (150 ms ago, the limit fell > 1 s ago), failed: halves
        assertThat(a.limit()).isEqualTo((int) (once * 0.5));
    }

    @Test
    void shouldKeepAFixedBoundWithoutALogicTimeoutAndNoBoundAtZero() {
        ConnectAdmission fixed = new ConnectAdmission(2, new AdmissionMetrics(new SimpleMeterRegistry()));
        assertThat(fixed.tryAcquire()).isTrue();
        assertThat(fixed.tryAcquire()).isTrue();
        assertThat(fixed.tryAcquire()).isFalse();
        fixed.done(SLOW, false);
        assertThat(fixed.limit()).isEqualTo(2);
        ConnectAdmission unbounded = new ConnectAdmission(0, Duration.ofSeconds(4),
                new AdmissionMetrics(new SimpleMeterRegistry()));
        for (int i = 0; i < 10_000; i++) {
            assertThat(unbounded.tryAcquire()).isTrue();
        }
    }
}
