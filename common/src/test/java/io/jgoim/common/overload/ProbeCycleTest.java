package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import static io.jgoim.common.overload.ProbeCycle.CRUISE;
import static io.jgoim.common.overload.ProbeCycle.DRAIN;
import static io.jgoim.common.overload.ProbeCycle.PROBE;
import static io.jgoim.common.overload.ProbeCycle.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;

/** The admit limit's phases bucket by bucket, with the margin 0.25 and a cycle of 8 buckets. */
class ProbeCycleTest {
    private static final long NO_DRAIN = 0;
    private final ProbeCycle cycle = new ProbeCycle(0.25, 8);
    private long bucket = 1_000;

    /** Enters the next bucket with the best pass at {@code pass} (near-best from 97) and a carried peak of 100. */
    private int next(boolean shedding, long pass, long drainPassed) {
        return cycle.enter(bucket++, shedding, pass, 100, drainPassed, 97);
    }

    private void saturate() {
        assertThat(next(true, 100, NO_DRAIN)).isEqualTo(STARTUP); // the pass the stall is measured against
        assertThat(next(true, 100, NO_DRAIN)).isEqualTo(STARTUP);
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(STARTUP); // +10 %: less than the margin
    }

    @Test
    void shouldProbeEveryBucketWhileNotShedding() {
        for (int i = 0; i < 20; i++) {
            assertThat(next(false, 100, NO_DRAIN)).isEqualTo(STARTUP);
            assertThat(cycle.limit(100)).isEqualTo(125);
        }
    }

    @Test
    void shouldDrainCruiseThenProbeOnceTheBestPassStopsGrowingWhileShedding() {
        saturate();
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(DRAIN);
        assertThat(cycle.limit(100)).isEqualTo(80); // 100 / 1.25
        for (int i = 0; i < 6; i++) {
            assertThat(next(true, 110, 90)).isEqualTo(CRUISE); // the drain passed 90 < 97: no cap
            assertThat(cycle.limit(100)).isEqualTo(100);
        }
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(PROBE);
        assertThat(cycle.limit(100)).isEqualTo(125);
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(DRAIN);
        assertThat(cycle.carried(100)).isEqualTo(100);
    }

    @Test
    void shouldCapTheCarriedPeakAtWhatADrainThatKeptTheBestRateAdmitted() {
        saturate();
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(DRAIN);
        cycle.limit(100); // drain limit 80
        assertThat(next(true, 110, 98)).isEqualTo(CRUISE); // the drain passed 98 ≥ 97: 81 in flight suffice
        assertThat(cycle.carried(100)).isEqualTo(81);
        assertThat(cycle.carried(60)).isEqualTo(60);
    }

    @Test
    void shouldProbeEveryBucketAgainWhenTheBestPassGrowsByTheMargin() {
        saturate();
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(DRAIN);
        assertThat(next(true, 125, NO_DRAIN)).isEqualTo(STARTUP); // 125 ≥ 100 × 1.25: the node got faster
        assertThat(cycle.carried(200)).isEqualTo(200);
        assertThat(cycle.limit(100)).isEqualTo(125);
        assertThat(next(true, 125, NO_DRAIN)).isEqualTo(STARTUP); // stalled again: 3 buckets before the cycle
    }

    @Test
    void shouldProbeEveryBucketAgainWhenSheddingStops() {
        saturate();
        assertThat(next(true, 110, NO_DRAIN)).isEqualTo(DRAIN);
        assertThat(next(false, 110, NO_DRAIN)).isEqualTo(STARTUP);
        assertThat(cycle.limit(100)).isEqualTo(125);
        assertThat(cycle.carried(200)).isEqualTo(200);
    }
}
