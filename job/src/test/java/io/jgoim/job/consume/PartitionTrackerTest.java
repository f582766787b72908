package io.jgoim.job.consume;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** An offset is committable only once it and every record before it are done (at-least-once). */
class PartitionTrackerTest {
    private final AtomicInteger inFlight = new AtomicInteger();

    @Test
    void shouldCommitOnlyTheDonePrefix() {
        PartitionTracker t = new PartitionTracker();
        OffsetSlot s10 = new OffsetSlot(10, inFlight);
        OffsetSlot s11 = new OffsetSlot(11, inFlight);
        OffsetSlot s12 = new OffsetSlot(12, inFlight);
        t.add(s10);
        t.add(s11);
        t.add(s12);
        assertThat(inFlight).hasValue(3);
        assertThat(t.committable()).isEqualTo(-1);
        s11.markDone();
        s12.markDone();
        assertThat(t.committable()).isEqualTo(-1);
        assertThat(t.isDrained()).isFalse();
        s10.markDone();
        assertThat(t.committable()).isEqualTo(13);
        assertThat(t.isDrained()).isTrue();
        assertThat(inFlight).hasValue(0);
    }

    @Test
    void shouldCountADoubleCompletionOnce() {
        OffsetSlot s = new OffsetSlot(0, inFlight);
        s.markDone();
        s.onDone(null, true);
        assertThat(inFlight).hasValue(0);
    }

    @Test
    void shouldKeepTheLastCommittableOffsetWhenNewRecordsArrive() {
        PartitionTracker t = new PartitionTracker();
        OffsetSlot a = new OffsetSlot(5, inFlight);
        t.add(a);
        a.markDone();
        assertThat(t.committable()).isEqualTo(6);
        t.add(new OffsetSlot(6, inFlight));
        assertThat(t.committable()).isEqualTo(6);
        assertThat(t.pendingCount()).isEqualTo(1);
    }
}
