package io.jgoim.benchmarks;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.push.RoomBroadcaster;
import io.jgoim.comet.stream.HistoryReads;
import io.jgoim.comet.stream.StreamDelivery;
import io.jgoim.comet.transport.WsSessionCodec;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtoFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Room fan-out inside one comet event loop: one push (a 64-byte-body goim frame, encoded once into a pooled direct
 * buffer and wrapped in a {@link PushFrame}) written to every member of a room of 1,000 or 10,000 sessions through
 * the comet's real fan-out core, {@link RoomBroadcaster#deliver} over a {@link MemberList} of {@link Session}s, then
 * one flush per member, as the per-loop task of a room broadcast does. Each session is an {@link EmbeddedChannel}
 * with the comet's real outbound handlers for its transport (TCP: {@link ProtoFrameCodec}; WebSocket: the session's
 * {@link WsSessionCodec} after the upgrade, which frames WebSocket messages itself) in front of a {@link ReleasingSink} that stands in for the socket, so the figure
 * is the CPU the comet spends per delivered message short of the {@code write(2)} itself. JMH divides by the room
 * size ({@code @OperationsPerInvocation}), so ns/op and B/op (with {@code -prof gc}) are per delivered message; the
 * issue's targets are &lt;= 100 ns and 0 B per recipient beyond pooled buffers. Runs on {@link EventLoopThreads} so
 * Netty's recyclers behave as on an event loop. Buffers come from {@code ByteBufAllocator.DEFAULT}, as in
 * {@code CometServer}; {@code -Dio.netty.allocator.type=pooled} in {@code -jvmArgsAppend} measures the pooled allocator.
 * The {@code interleaved*} and {@code fromEncoder*} methods are experiments (flush each member right after its write;
 * write from the last handler's context instead of the tail), not comet code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.jgoim.benchmarks.EventLoopThreads"})
public class RoomFanoutBenchmark {
    /** History reads never happen here (offsets are contiguous); a read would fail the trial. */
    static final HistoryReads NO_HISTORY = new HistoryReads(null, 0, java.time.Duration.ofSeconds(1),
            CometMetrics.noop());
    /** Body bytes of the pushed message (goim's benchmark and the load tool use 64). */
    static final int BODY = 64;
    /** The business op a room message carries (goim's push API takes it from the caller; 1000 in its examples). */
    static final int ROOM_OP = 1000;

    /** Subclass state so JMH's {@code @OperationsPerInvocation} can match the room size at compile time. */
    @State(Scope.Thread)
    public static class Room {
        @Param({"TCP", "WEBSOCKET"})
        public SessionTransport transport;

        /**
         * false: goim and ver-2 sessions, plain pushes (the room keeps no history). true: every session asked for
         * positions (auth ver 3) and every push carries the next offset of the room's stream, so each recipient's
         * cursor takes it and gets the shared op-20 frame: the comet's per-recipient cost of positions.
         */
        @Param({"false", "true"})
        public boolean positions;
        long nextOffset = 1;

        final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT; // as CometServer (Netty 4.2: adaptive)
        // Only the room's member list is used; its loop never runs a task here.
        final SessionIndex index = new SessionIndex(1, 16, new SessionLoops(ImmediateEventExecutor.INSTANCE));
        MemberList members;
        final List<EmbeddedChannel> channels = new ArrayList<>();
        final List<ChannelHandlerContext> heads = new ArrayList<>();
        final int[] counts = new int[2];
        ByteBuf body;

        void build(int recipients) {
            CometMetrics metrics = CometMetrics.noop();
            for (int i = 0; i < recipients; i++) {
                EmbeddedChannel ch;
                if (transport == SessionTransport.TCP) {
                    ch = new EmbeddedChannel(ReleasingSink.INSTANCE, new ProtoFrameCodec(4096, true));
                } else {
                    // as a comet session after the upgrade: the session codec frames WebSocket messages itself
                    WsSessionCodec codec = new WsSessionCodec(4096);
                    ch = new EmbeddedChannel(ReleasingSink.INSTANCE, codec);
                    codec.upgraded(ch.pipeline().context(codec), "no-protocol-handler");
                }
                channels.add(ch);
                // The last handler's context (the frame or session codec): writes from it skip that handler.
                heads.add(ch.pipeline().lastContext());
                Session member = positions
                        ? new Session(ch, transport, i + 1, "key-" + i, false, 0, 16, metrics, code -> { },
                                new StreamDelivery(ch, transport, NO_HISTORY, metrics, (code, error, message) -> {
                                    throw new IllegalStateException("session ended: " + message);
                                }, TimeUnit.SECONDS.toNanos(3), 256))
                        : new Session(ch, transport, i + 1, "key-" + i, false, 0, 16, metrics, code -> { });
                index.join(member, "room");
            }
            members = index.room("room").shard(0);
            body = alloc.directBuffer(BODY);
            for (int i = 0; i < BODY; i++) {
                body.writeByte('a' + i % 26);
            }
        }

        /**
         * One push as comet receives it from job: encoded goim frame(s), once, in a pooled direct buffer; with
         * positions, at the room stream's next offset.
         */
        PushFrame frame() {
            ByteBuf frames = alloc.directBuffer(PacketLayout.HEADER_LENGTH + BODY);
            ProtoCodec.writeFrame(frames, PacketLayout.VERSION, ROOM_OP, 0, body.readerIndex(0));
            return positions ? new PushFrame(frames, alloc, new PushFrame.Position("live://1", 1, nextOffset++, 1))
                    : new PushFrame(frames, alloc);
        }

        int fanOut() {
            PushFrame frame = frame();
            counts[0] = 0;
            RoomBroadcaster.deliver(members, 0, members.size(), frame, -1, counts);
            frame.release();
            return counts[0];
        }

        /**
         * Experiment, not comet code: the same writes, but each member flushed right after its write (one pass over
         * the members instead of {@code deliver}'s write pass then flush pass), to measure what the second pass
         * costs once a room's sessions no longer fit in the CPU caches.
         */
        int fanOutInterleaved() {
            PushFrame frame = frame();
            int delivered = 0;
            for (int i = 0, n = members.size(); i < n; i++) {
                Session s = members.get(i);
                if (s.write(frame)) {
                    delivered++;
                    s.channel().flush();
                } else {
                    counts[1]++;
                }
            }
            frame.release();
            return delivered;
        }

        /**
         * Experiment, not comet code: the writes of {@code deliver}, but issued from the last handler's context (TCP:
         * {@code ProtoFrameCodec}, whose type check a raw buffer only passes through; WebSocket: {@code WsSessionCodec},
         * with the message {@code Session.write} writes, {@code SessionTransport.push}) instead of the channel's
         * tail; flushes likewise. Same two passes as {@code deliver}.
         */
        int fanOutFromEncoder() {
            PushFrame frame = frame();
            int delivered = 0;
            int n = members.size();
            for (int i = 0; i < n; i++) {
                Session s = members.get(i);
                if (s.channel().isActive() && s.channel().isWritable()) {
                    ChannelHandlerContext ctx = heads.get(i);
                    Object msg = transport.push(frame);
                    ctx.write(msg, ctx.voidPromise());
                    delivered++;
                }
            }
            for (int i = 0; i < n; i++) {
                heads.get(i).flush();
            }
            frame.release();
            return delivered;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (counts[1] != 0) {
                throw new IllegalStateException("dropped " + counts[1]);
            }
            for (EmbeddedChannel ch : channels) {
                ch.finishAndReleaseAll();
            }
            body.release();
        }
    }

    /** A room of 1,000 sessions. */
    public static class Room1k extends Room {
        @Setup(Level.Trial)
        public void setUp() {
            build(1_000);
        }
    }

    /** A room of 10,000 sessions. */
    public static class Room10k extends Room {
        @Setup(Level.Trial)
        public void setUp() {
            build(10_000);
        }
    }

    @Benchmark
    @OperationsPerInvocation(1_000)
    public int fanout1k(Room1k room) {
        return check(room.fanOut(), 1_000);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public int fanout10k(Room10k room) {
        return check(room.fanOut(), 10_000);
    }

    /** Experiment: one pass, flush right after each member's write (see {@link Room#fanOutInterleaved}). */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public int interleaved1k(Room1k room) {
        return check(room.fanOutInterleaved(), 1_000);
    }

    /** Experiment: one pass, flush right after each member's write (see {@link Room#fanOutInterleaved}). */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public int interleaved10k(Room10k room) {
        return check(room.fanOutInterleaved(), 10_000);
    }

    /** Experiment: see {@link Room#fanOutFromEncoder}. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public int fromEncoder1k(Room1k room) {
        return check(room.fanOutFromEncoder(), 1_000);
    }

    /** Experiment: see {@link Room#fanOutFromEncoder}. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public int fromEncoder10k(Room10k room) {
        return check(room.fanOutFromEncoder(), 10_000);
    }

    private static int check(int delivered, int expected) {
        if (delivered != expected) {
            throw new IllegalStateException("delivered " + delivered + " of " + expected);
        }
        return delivered;
    }
}
