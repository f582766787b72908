package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Batching by size, bytes and window, in order, per room. */
class RoomBatcherTest {
    private static final long MS = 1_000_000L;
    private final List<RoomBatcher.Batch> flushed = new ArrayList<>();

    private static PushTask task(String room, String body) {
        return PushTask.of(null, PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setRoom(room).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build(), (t, ok) -> { });
    }

    private static List<String> bodies(RoomBatcher.Batch b) {
        return b.tasks.stream().map(t -> t.message().getMsg().toStringUtf8()).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64})
    void shouldFlushWhenABatchReachesItsSize(int size) {
        RoomBatcher rb = new RoomBatcher(size, 10 * MS, 1 << 20, flushed::add);
        for (int i = 0; i < size * 3; i++) {
            rb.add(task("r", "m" + i), 17, 0);
        }
        assertThat(flushed).hasSize(3).allMatch(b -> b.tasks.size() == size);
        assertThat(bodies(flushed.get(0)).get(0)).isEqualTo("m0");
        assertThat(bodies(flushed.get(2)).get(size - 1)).isEqualTo("m" + (size * 3 - 1));
        assertThat(rb.openBatches()).isZero();
    }

    @Test
    void shouldFlushWhenABatchReachesItsBytes() {
        RoomBatcher rb = new RoomBatcher(1000, 10 * MS, 100, flushed::add);
        for (int i = 0; i < 5; i++) {
            rb.add(task("r", "m" + i), 40, 0);
        }
        assertThat(flushed).hasSize(1);
        assertThat(flushed.get(0).tasks).hasSize(3);
        assertThat(flushed.get(0).bytes).isEqualTo(120);
    }

    @Test
    void shouldFlushEachRoomWhenItsWindowPassesAndNotBefore() {
        RoomBatcher rb = new RoomBatcher(100, 10 * MS, 1 << 20, flushed::add);
        rb.add(task("a", "a0"), 20, 0);
        rb.add(task("b", "b0"), 20, 4 * MS);
        rb.add(task("a", "a1"), 20, 5 * MS);
        assertThat(rb.nextDeadline()).isEqualTo(10 * MS);
        rb.flushDue(9 * MS);
        assertThat(flushed).isEmpty();
        rb.flushDue(10 * MS);
        assertThat(flushed).hasSize(1);
        assertThat(bodies(flushed.get(0))).containsExactly("a0", "a1");
        assertThat(rb.nextDeadline()).isEqualTo(14 * MS);
        rb.flushDue(14 * MS);
        assertThat(bodies(flushed.get(1))).containsExactly("b0");
        assertThat(rb.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldStartANewWindowAfterASizeFlush() {
        RoomBatcher rb = new RoomBatcher(2, 10 * MS, 1 << 20, flushed::add);
        rb.add(task("a", "x0"), 20, 0);
        rb.add(task("a", "x1"), 20, 1 * MS);
        rb.add(task("a", "x2"), 20, 8 * MS);
        rb.flushDue(10 * MS);
        assertThat(flushed).hasSize(1);
        rb.flushDue(18 * MS);
        assertThat(flushed).hasSize(2);
        assertThat(bodies(flushed.get(1))).containsExactly("x2");
    }

    @Test
    void shouldFlushEverythingOnDemand() {
        RoomBatcher rb = new RoomBatcher(100, 10 * MS, 1 << 20, flushed::add);
        rb.add(task("a", "a0"), 20, 0);
        rb.add(task("b", "b0"), 20, 0);
        rb.flushAll();
        assertThat(flushed).hasSize(2);
        assertThat(rb.openBatches()).isZero();
    }
}
