package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Room batching: a quiet room goes at once, a busy room gets one batch per window, size and bytes cut early. */
class RoomBatcherTest {
    private static final long MS = 1_000_000L;
    private final List<RoomBatcher.Batch> flushed = new ArrayList<>();

    private static PushTask task(String room, String body) {
        return PushTask.of(null, PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setRoom(room).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build(), (t, ok) -> { });
    }

    private static List<String> bodies(RoomBatcher.Batch b) {
        return b.tasks().stream().map(t -> t.message().getMsg().toStringUtf8()).toList();
    }

    @Test
    void shouldGatherOnlyWhatOneDutyCycleBringsWithoutAWindow() {
        RoomBatcher rb = new RoomBatcher(64, 0, 1 << 20, flushed::add);
        rb.add(task("r", "m0"), 18, 5 * MS);
        assertThat(rb.nextDeadline()).as("due at once: no clock").isEqualTo(5 * MS);
        rb.add(task("r", "m1"), 18, 5 * MS);
        rb.add(task("s", "x"), 18, 5 * MS);
        rb.flushDue(5 * MS);
        assertThat(flushed).hasSize(2);
        assertThat(bodies(flushed.get(0))).containsExactly("m0", "m1");
        assertThat(bodies(flushed.get(1))).containsExactly("x");
        rb.add(task("r", "m2"), 18, 5 * MS);
        rb.flushDue(5 * MS);
        assertThat(bodies(flushed.get(2))).as("the next cycle: no wait for a slot").containsExactly("m2");
        assertThat(rb.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldSendAMessageToAQuietRoomAtOnce() {
        RoomBatcher rb = new RoomBatcher(64, 10 * MS, 1 << 20, flushed::add);
        rb.add(task("r", "m0"), 18, 0);
        assertThat(flushed).hasSize(1);
        assertThat(bodies(flushed.get(0))).containsExactly("m0");
        rb.add(task("r", "m1"), 18, 30 * MS);
        assertThat(flushed).hasSize(2);
    }

    @Test
    void shouldGiveABusyRoomOneBatchPerWindowInOrder() {
        RoomBatcher rb = new RoomBatcher(64, 10 * MS, 1 << 20, flushed::add);
        rb.add(task("r", "m0"), 18, 0);
        rb.add(task("r", "m1"), 18, 1 * MS);
        rb.add(task("r", "m2"), 18, 5 * MS);
        assertThat(rb.nextDeadline()).isEqualTo(10 * MS);
        rb.flushDue(9 * MS);
        assertThat(flushed).hasSize(1);
        rb.flushDue(10 * MS);
        assertThat(bodies(flushed.get(1))).containsExactly("m1", "m2");
        rb.add(task("r", "m3"), 18, 12 * MS);
        assertThat(rb.nextDeadline()).isEqualTo(20 * MS);
        rb.flushDue(20 * MS);
        assertThat(bodies(flushed.get(2))).containsExactly("m3");
        assertThat(rb.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64})
    void shouldCutABatchAtItsSizeWithinAWindow(int size) {
        RoomBatcher rb = new RoomBatcher(size, 10 * MS, 1 << 20, flushed::add);
        for (int i = 0; i <= size * 2; i++) {
            rb.add(task("r", "m" + i), 17, 1 * MS);
        }
        // m0 alone (quiet room), then two full batches.
        assertThat(flushed).hasSize(3);
        assertThat(bodies(flushed.get(0))).containsExactly("m0");
        assertThat(flushed.get(1).tasks()).hasSize(size);
        assertThat(bodies(flushed.get(2)).get(size - 1)).isEqualTo("m" + (size * 2));
        assertThat(rb.openBatches()).isZero();
    }

    @Test
    void shouldCutABatchAtItsBytes() {
        RoomBatcher rb = new RoomBatcher(1000, 10 * MS, 100, flushed::add);
        for (int i = 0; i < 5; i++) {
            rb.add(task("r", "m" + i), 40, 0);
        }
        assertThat(flushed).hasSize(2);
        assertThat(bodies(flushed.get(1))).containsExactly("m1", "m2", "m3");
        assertThat(flushed.get(1).bytes()).isEqualTo(120);
    }

    @Test
    void shouldPaceEachRoomOnItsOwn() {
        RoomBatcher rb = new RoomBatcher(100, 10 * MS, 1 << 20, flushed::add);
        rb.add(task("a", "a0"), 20, 0);
        rb.add(task("a", "a1"), 20, 1 * MS);
        rb.add(task("b", "b0"), 20, 4 * MS);
        rb.add(task("b", "b1"), 20, 5 * MS);
        assertThat(flushed).extracting(b -> b.room()).containsExactly("a", "b");
        rb.flushDue(10 * MS);
        assertThat(bodies(flushed.get(2))).containsExactly("a1");
        rb.flushDue(13 * MS);
        assertThat(flushed).hasSize(3);
        rb.flushDue(14 * MS);
        assertThat(bodies(flushed.get(3))).containsExactly("b1");
    }

    @Test
    void shouldFlushEverythingOnDemandAndForgetQuietRooms() {
        RoomBatcher rb = new RoomBatcher(100, 10 * MS, 1 << 20, flushed::add);
        long t = System.nanoTime();
        rb.add(task("a", "a0"), 20, t);
        rb.add(task("a", "a1"), 20, t);
        rb.add(task("b", "b0"), 20, t);
        rb.add(task("b", "b1"), 20, t);
        assertThat(rb.openBatches()).isEqualTo(2);
        rb.flushAll();
        assertThat(flushed).hasSize(4);
        assertThat(rb.openBatches()).isZero();
        rb.flushDue(t + 2_000 * MS);
        assertThat(rb.trackedRooms()).isZero();
    }
}
