package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Job's room batching on a lane: room messages (64-byte bodies, one busy room) go through {@link RoomBatcher#add}
 * and {@link RoomBatcher#flushDue} as the lane's router runs them, and each full batch is encoded once by
 * {@link PushFrameEncoder#batch} into one op-9 raw body inside the {@link BroadcastRoomReq} that every comet
 * receives: {@code batched20} (goim's batch of 20) and {@code batched128} (jgoim's default {@code batch.size}).
 * {@code unbatched} sends one message alone ({@link PushFrameEncoder#single} and one request), the cost batching
 * replaces. All figures are per message ({@code @OperationsPerInvocation}). The job-side cost is small either way;
 * what batching buys is on the comets, whose fan-out costs one write per session per batch instead of per message.
 * Plain JMH threads: the lane thread is not a Netty thread and nothing here is recycled. Lives in the job's dispatch
 * package for its package-private classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
public class RoomBatcherBenchmark {
    static final String ROOM = "live://1000";
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** One lane's batcher for one busy room and {@code size} ready messages. */
    @State(Scope.Thread)
    public static class Lane {
        PushTask[] tasks;
        RoomBatcher batcher;
        long now;
        long added;
        long flushed;
        BroadcastRoomReq last;

        void build(int size) {
            tasks = tasks(size);
            // Max bytes far above a batch: batches close on size, as in a busy room.
            batcher = new RoomBatcher(size, WINDOW_NANOS, 1 << 20, b -> {
                flushed += b.tasks().size();
                last = BroadcastRoomReq.newBuilder().setRoomId(b.room())
                        .setProto(PushFrameEncoder.batch(b.tasks(), b.bytes())).build();
            });
            // A fixed clock: after the first (quiet-room) flush the room stays busy, so batches close on size.
            now = System.nanoTime();
        }

        BroadcastRoomReq run() {
            for (int i = 0; i < tasks.length; i++) {
                PushTask t = tasks[i];
                batcher.add(t, PushFrameEncoder.frameLength(t.message()), now);
            }
            added += tasks.length;
            batcher.flushDue(now);
            return last;
        }

        @TearDown(Level.Trial)
        public void check() {
            // Everything added was flushed except at most one open batch.
            if (added - flushed < 0 || added - flushed >= tasks.length) {
                throw new IllegalStateException("added " + added + ", flushed " + flushed);
            }
            if (last.getProto().getBody().size() != tasks.length * PushFrameEncoder.frameLength(tasks[0].message())) {
                throw new IllegalStateException("batch body " + last.getProto().getBody().size());
            }
        }
    }

    /** Batches of 20. */
    public static class Lane20 extends Lane {
        @Setup(Level.Trial)
        public void setUp() {
            build(20);
        }
    }

    /** Batches of 128. */
    public static class Lane128 extends Lane {
        @Setup(Level.Trial)
        public void setUp() {
            build(128);
        }
    }

    private PushMsg single;

    @Setup(Level.Trial)
    public void setUp() {
        single = tasks(1)[0].message();
    }

    @Benchmark
    @OperationsPerInvocation(20)
    public BroadcastRoomReq batched20(Lane20 lane) {
        return lane.run();
    }

    @Benchmark
    @OperationsPerInvocation(128)
    public BroadcastRoomReq batched128(Lane128 lane) {
        return lane.run();
    }

    /** One message without batching: its own encode and its own request. */
    @Benchmark
    public BroadcastRoomReq unbatched() {
        return BroadcastRoomReq.newBuilder().setRoomId(single.getRoom()).setProto(PushFrameEncoder.single(single))
                .build();
    }

    static PushTask[] tasks(int n) {
        byte[] body = new byte[64];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        ByteString msg = ByteString.copyFrom(body);
        PushTask[] out = new PushTask[n];
        for (int i = 0; i < n; i++) {
            PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(ROOM)
                    .setMsg(msg).setCreatedAtMs(1_700_000_000_000L + i).build();
            out[i] = PushTask.of(null, m, (t, ok) -> { });
        }
        return out;
    }
}
