package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttle as job's ordered links use it, on an injected clock: several links (lanes) to one peer share its
 * throttle, each with an endless backlog and one call in flight (1 ms per call). A send's first offer and each retry
 * after a real failure are counted ({@link AdaptiveThrottle#tryAcquire}); a send refused locally keeps its place and is
 * offered again after the backoff with its ticket, without being counted again ({@link AdaptiveThrottle#tryAgain})
 * while its count is in the window (then it is counted again, with a new ticket), and a refusal is not an attempt:
 * only real failures count against maxAttempts (job's CometLink).
 * k = 2, a 1 s
 * window of 10 buckets, minRequests 10, backoff 10 ms doubling to 20 ms.
 */
class ThrottledLinkSimulationTest {
    private static final long MS = 1_000_000L;
    private static final long WINDOW = 1_000 * MS;
    private static final int MAX_LINKS = 64;
    private static final ThrottleConfig CONFIG = new ThrottleConfig(true, 2, Duration.ofSeconds(1), 10, 10);

    /** Counts of one stretch of simulated time. */
    record Stretch(int attempts, int accepts, int refusals) {
    }

    private long now = 10_000 * MS;
    private final Random draws = new Random(7);
    private final AdaptiveThrottle throttle = new AdaptiveThrottle(CONFIG, () -> now, draws::nextDouble);
    /** Per link: when its head may be offered next, whether the head was refused locally, its refusals in a row. */
    private final long[] due = new long[MAX_LINKS];
    private final boolean[] refused = new boolean[MAX_LINKS];
    private final int[] tries = new int[MAX_LINKS];
    private final int[] refusalsInARow = new int[MAX_LINKS];
    private final double[] ticket = new double[MAX_LINKS];
    private final long[] countedAt = new long[MAX_LINKS];
    private int links = 8;
    /** Attempts per send, real calls only (job's retry.maxAttempts); then it is given up. */
    private int maxAttempts = Integer.MAX_VALUE;
    private int gaveUp;
    /** The peer accepts this many calls per second (refill per ms); negative = everything. */
    private int capacityPerSecond = -1;
    private double credit;

    @Test
    void shouldConvergeToKTimesAcceptsWithinOneWindowWhenThePeerTakesOnlyItsCapacity() {
        links = 64; // each retries a failed call after 10-20 ms: ~4 000 calls/s at the peer without the throttle
        capacityPerSecond = 1_000;
        maxAttempts = 4; // job's default retry.maxAttempts: a send whose calls failed four times is given up
        run(WINDOW); // the first window: the throttle learns
        Stretch s = run(2 * WINDOW);
        System.out.printf("links: peer at capacity 1000/s: %s over 2 windows, %d given up%n", s, gaveUp);
        assertThat(s.accepts()).isGreaterThan(1_800); // the peer stays busy at its capacity
        assertThat((double) s.attempts()).isLessThanOrEqualTo(2.0 * s.accepts() * 1.1);
        assertThat(s.refusals()).isPositive();
    }

    @Test
    void shouldRestoreTheFullRateWithinTwoWindowsOfThePeerRecovering() {
        capacityPerSecond = 0; // the peer refuses everything for three windows
        run(WINDOW);
        Stretch sick = run(2 * WINDOW);
        capacityPerSecond = -1;
        Stretch recovering = run(2 * WINDOW);
        Stretch after = run(WINDOW);
        System.out.printf("links: peer down: %s over 2 windows; recovering: %s; the window after: %s%n", sick,
                recovering, after);
        // While the peer is down only a trickle of calls reaches it: about minRequests per window.
        assertThat(sick.accepts()).isZero();
        assertThat(sick.attempts()).isLessThanOrEqualTo(2 * 2 * CONFIG.minRequests());
        assertThat(sick.refusals()).isGreaterThan(10 * sick.attempts());
        // Within two windows of the recovery nothing is refused any more, and the links run at their full rate.
        assertThat(throttle.rejectProbability()).isZero();
        assertThat(after.refusals()).isZero();
        assertThat(after.accepts()).isEqualTo(after.attempts()).isGreaterThan(links * 1_000 * 9 / 10);
    }

    @Test
    void shouldCountARefusedRequestOnceHoweverOftenItIsOfferedAgain() {
        AdaptiveThrottle t = new AdaptiveThrottle(CONFIG, () -> now, () -> 0.0); // refuse whenever p > 0
        for (int i = 0; i < 9; i++) {
            assertThat(t.tryAcquire()).isTrue(); // below minRequests: sent, never answered
        }
        assertThat(t.tryAcquire()).isFalse(); // the 10th request: counted, refused locally
        double p = t.rejectProbability();
        assertThat(p).isEqualTo(10.0 / 11);
        for (int i = 0; i < 1_000; i++) {
            assertThat(t.tryAgain(0.0)).isFalse(); // offered again: refused, not counted
        }
        assertThat(t.rejectProbability()).isEqualTo(p);
        for (int i = 0; i < 5; i++) {
            t.onAccepted(); // 2 × 5 accepts cover the 10 requests
        }
        assertThat(t.tryAgain(0.0)).isTrue();
    }

    @Test
    void shouldSayARequestIsCountedUntilItsBucketLeavesTheWindow() {
        AdaptiveThrottle t = new AdaptiveThrottle(CONFIG, () -> now, () -> 0.0);
        long at = t.nanoTime(); // 10 000 ms: bucket 100 of 100 ms
        now += 950 * MS;        // bucket 109: bucket 100 is still one of the window's 10
        assertThat(t.isCounted(at)).isTrue();
        now += 50 * MS;         // bucket 110: bucket 100 has left the window
        assertThat(t.isCounted(at)).isFalse();
    }

    /** Runs the links for {@code nanos} of simulated time in 1 ms steps. */
    private Stretch run(long nanos) {
        int attempts = 0;
        int accepts = 0;
        int refusals = 0;
        for (long end = now + nanos; now < end; now += MS) {
            if (capacityPerSecond >= 0) {
                credit = Math.min(credit + capacityPerSecond / 1000.0, capacityPerSecond / 100.0);
            }
            for (int l = 0; l < links; l++) {
                if (due[l] > now) {
                    continue;
                }
                boolean again = refused[l] && throttle.isCounted(countedAt[l]);
                if (!again) {
                    ticket[l] = throttle.draw();
                    countedAt[l] = throttle.nanoTime();
                }
                boolean allowed = again ? throttle.tryAgain(ticket[l]) : throttle.tryAcquire(ticket[l]);
                if (!allowed) {
                    refusals++;
                    refused[l] = true;
                    due[l] = now + backoff(++refusalsInARow[l]); // not an attempt: never given up for it
                    continue;
                }
                refused[l] = false;
                refusalsInARow[l] = 0;
                attempts++;
                if (capacityPerSecond < 0 || credit >= 1) {
                    credit = capacityPerSecond < 0 ? 0 : credit - 1;
                    throttle.onAccepted();
                    accepts++;
                    tries[l] = 0;
                    due[l] = now + MS; // the next send of the backlog after this 1 ms call
                } else {
                    due[l] = now + MS + backoff(++tries[l]); // a failed call: retried (a new request) after backoff
                    giveUpAfterLastAttempt(l);
                }
            }
        }
        return new Stretch(attempts, accepts, refusals);
    }

    private void giveUpAfterLastAttempt(int l) {
        if (tries[l] >= maxAttempts) {
            gaveUp++;
            tries[l] = 0;
            refused[l] = false; // the next send of the backlog: a new request
        }
    }

    private static long backoff(int attempt) {
        return Math.min(10 * MS << Math.min(attempt - 1, 20), 20 * MS);
    }
}
