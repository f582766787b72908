package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.SequenceTracker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceTrackerTest {
    @Test
    void shouldCountInOrderMessagesAsDistinct() {
        SequenceTracker t = track(0, 1, 2, 3, 4);
        assertThat(t.distinct()).isEqualTo(5);
        assertThat(t.duplicates()).isZero();
        assertThat(t.outOfOrder()).isZero();
    }

    @Test
    void shouldLeaveGapsForTheLossCount() {
        SequenceTracker t = track(0, 1, 5, 6);
        assertThat(t.distinct()).isEqualTo(4);
        assertThat(t.highest()).isEqualTo(6);
        assertThat(t.outOfOrder()).isZero();
    }

    @Test
    void shouldCountLateArrivalsAsOutOfOrderNotLost() {
        SequenceTracker t = track(0, 2, 1, 3);
        assertThat(t.distinct()).isEqualTo(4);
        assertThat(t.outOfOrder()).isEqualTo(1);
        assertThat(t.duplicates()).isZero();
    }

    @Test
    void shouldCountDuplicatesInsideTheWindow() {
        SequenceTracker t = track(0, 1, 1, 2, 0, 2);
        assertThat(t.distinct()).isEqualTo(3);
        assertThat(t.duplicates()).isEqualTo(3);
    }

    @Test
    void shouldCountMessagesOlderThanTheWindowAsOutOfOrder() {
        SequenceTracker t = track(0, 100, 1);
        assertThat(t.distinct()).isEqualTo(3);
        assertThat(t.outOfOrder()).isEqualTo(1);
    }

    @Test
    void shouldSlideTheWindowAcrossLargeJumps() {
        SequenceTracker t = track(5, 70, 69, 69, 6);
        assertThat(t.distinct()).isEqualTo(4);
        assertThat(t.duplicates()).isEqualTo(1);
        assertThat(t.outOfOrder()).isEqualTo(2);
    }

    private static SequenceTracker track(long... seqs) {
        SequenceTracker t = new SequenceTracker();
        for (long s : seqs) {
            t.record(s);
        }
        return t;
    }
}
