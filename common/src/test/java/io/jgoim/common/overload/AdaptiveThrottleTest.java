package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Golden behaviour of the SRE throttle with an injected clock and random source: k = 2, a 1 s window of 10 buckets.
 * p = max(0, (requests − 2·accepts) / (requests + 1)), nothing refused below 10 requests in the window.
 */
class AdaptiveThrottleTest {
    private static final long MS = 1_000_000L;
    private static final ThrottleConfig CONFIG = new ThrottleConfig(true, 2, Duration.ofSeconds(1), 10, 10);

    private long now = 5_000 * MS;
    private double random = 0.0;
    private final AdaptiveThrottle throttle = new AdaptiveThrottle(CONFIG, () -> now, () -> random);

    @Test
    void shouldNeverRefuseWhileThePeerAcceptsEverything() {
        random = 0.0; // the most eager refusal possible
        for (int i = 0; i < 1_000; i++) {
            assertThat(throttle.tryAcquire()).isTrue();
            throttle.onAccepted();
        }
        assertThat(throttle.rejectProbability()).isZero();
    }

    @Test
    void shouldRefuseWithTheSreProbability() {
        for (int i = 0; i < 10; i++) {
            throttle.tryAcquire();
        }
        for (int i = 0; i < 3; i++) {
            throttle.onAccepted();
        }
        assertThat(throttle.rejectProbability()).isCloseTo((10 - 2.0 * 3) / 11, within(1e-12));
    }

    @Test
    void shouldLeaveRequestsInFlightOutOfTheFormulaUntilTheirOutcomeIsKnown() {
        random = 0.0; // the most eager refusal possible
        for (int i = 0; i < 500; i++) {
            assertThat(throttle.tryAcquire()).as("call %d, the others still in flight", i).isTrue();
            throttle.started();
        }
        assertThat(throttle.inFlight()).isEqualTo(500);
        assertThat(throttle.rejectProbability()).isZero();
        for (int i = 0; i < 200; i++) {
            throttle.finished(true);
        }
        for (int i = 0; i < 300; i++) {
            throttle.finished(false); // timed out: these count as refused by the peer
        }
        assertThat(throttle.inFlight()).isZero();
        assertThat(throttle.rejectProbability()).isCloseTo((500 - 2.0 * 200) / 501, within(1e-12));
    }

    @Test
    void shouldLetThroughExactlyTheRequestsBelowTheRandomDrawWhileThePeerIsDown() {
        random = 0.99; // request i (1-based) is refused when i / (i + 1) > 0.99, i.e. from i = 100 on
        int sent = 0;
        for (int i = 0; i < 1_000; i++) {
            if (throttle.tryAcquire()) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(99);
    }

    @Test
    void shouldConvergeToKTimesAcceptsWhenThePeerAcceptsOnlyItsCapacity() {
        Random draws = new Random(42);
        AdaptiveThrottle t = new AdaptiveThrottle(CONFIG, () -> now, draws::nextDouble);
        int sent = 0;
        int accepted = 0;
        int peerBudget = 0;
        for (int i = 0; i < 30_000; i++) {
            now += 100_000; // 10 000 requests offered per second for 3 s
            if (i % 10 == 0) {
                peerBudget++; // the peer accepts 1 000 per second and refuses the rest
            }
            if (t.tryAcquire()) {
                boolean measure = i >= 10_000; // after the first window
                if (measure) {
                    sent++;
                }
                if (peerBudget > 0) {
                    peerBudget--;
                    t.onAccepted();
                    if (measure) {
                        accepted++;
                    }
                }
            }
        }
        System.out.printf("throttle: offered 20000 in 2 s, sent %d, accepted %d (k = 2)%n", sent, accepted);
        assertThat(accepted).isGreaterThan(1_800); // the peer stays busy at its capacity
        assertThat((double) sent).isLessThanOrEqualTo(2.0 * accepted * 1.1);
    }

    @Test
    void shouldNeverRefuseBelowTheMinimumRequests() {
        for (int i = 0; i < 9; i++) {
            assertThat(throttle.tryAcquire()).isTrue(); // nothing accepted yet: a cold start
        }
        assertThat(throttle.tryAcquire()).isFalse(); // the 10th: p = 10 / 11
    }

    @Test
    void shouldRestoreTheFullRateOnceTheBadWindowHasPassed() {
        random = 0.5;
        for (int i = 0; i < 100; i++) {
            throttle.tryAcquire();
        }
        assertThat(throttle.tryAcquire()).isFalse();
        now += 1_000 * MS; // every bucket of the outage left the window
        assertThat(throttle.rejectProbability()).isZero();
        for (int i = 0; i < 100; i++) {
            assertThat(throttle.tryAcquire()).isTrue();
            throttle.onAccepted();
        }
    }

    @Test
    void shouldNeverRefuseWhenDisabled() {
        AdaptiveThrottle off = new AdaptiveThrottle(new ThrottleConfig(false, 2, Duration.ofSeconds(1), 10, 10),
                () -> now, () -> 0.0);
        for (int i = 0; i < 100; i++) {
            assertThat(off.tryAcquire()).isTrue();
        }
    }
}
