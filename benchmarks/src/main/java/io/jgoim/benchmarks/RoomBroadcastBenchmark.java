package io.jgoim.benchmarks;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.push.RoomBroadcaster;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtoEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A room broadcast through the comet's whole in-process fan-out: {@link RoomBroadcaster#broadcastRoom} on a
 * {@link Room} of 10,000 TCP sessions spread over two event loops (the comet's default on this 2-core machine), so
 * one task per loop writes to that loop's members and flushes each once, the frame is retained per task, and the
 * caller waits for the per-loop outcome. Sessions are {@link EmbeddedChannel}s with {@link ProtoEncoder} in front of
 * a {@link ReleasingSink} (no socket). Per delivered message: wall ns/op is the broadcast's latency over two cores
 * divided by 10,000; {@code cpu.process} from {@link CpuTimeProfiler} is the CPU of both loops (and the JVM) per
 * delivered message, the "ns of CPU per delivered message" target (&lt;= 100 ns). Complements
 * {@link RoomFanoutBenchmark}, which times the single-loop core without the task hand-off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.jgoim.benchmarks.EventLoopThreads"})
public class RoomBroadcastBenchmark {
    static final int LOOPS = 2;
    static final int RECIPIENTS = 10_000;

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT; // as CometServer
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private DefaultEventLoopGroup group;
    private RoomBroadcaster broadcaster;
    private Room room;
    private ByteBuf body;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        group = new DefaultEventLoopGroup(LOOPS);
        SessionLoops loops = SessionLoops.of(group);
        broadcaster = new RoomBroadcaster(loops, CometMetrics.noop());
        SessionIndex index = new SessionIndex(1, 16, loops);
        CometMetrics metrics = CometMetrics.noop();
        List<List<Session>> byLoop = new ArrayList<>();
        for (int l = 0; l < LOOPS; l++) {
            byLoop.add(new ArrayList<>());
        }
        for (int i = 0; i < RECIPIENTS; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(ReleasingSink.INSTANCE, ProtoEncoder.INSTANCE);
            channels.add(ch);
            int loop = i % LOOPS;
            byLoop.get(loop).add(new Session(ch, SessionTransport.TCP, i + 1, "key-" + i, false, loop, 16, metrics,
                    code -> { }));
        }
        for (int l = 0; l < LOOPS; l++) {
            List<Session> members = byLoop.get(l);
            // Membership changes on the member's loop, as the comet does it.
            loops.loop(l).submit(() -> {
                for (Session s : members) {
                    index.join(s, "live://1000");
                }
            }).sync();
        }
        room = index.room("live://1000");
        body = alloc.directBuffer(RoomFanoutBenchmark.BODY);
        body.writeZero(RoomFanoutBenchmark.BODY);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        body.release();
    }

    @Benchmark
    @OperationsPerInvocation(RECIPIENTS)
    public int broadcastRoom10k() {
        ByteBuf frames = alloc.directBuffer(PacketLayout.HEADER_LENGTH + RoomFanoutBenchmark.BODY);
        ProtoCodec.writeFrame(frames, PacketLayout.VERSION, RoomFanoutBenchmark.ROOM_OP, 0, body.readerIndex(0));
        PushFrame frame = new PushFrame(frames, alloc);
        RoomBroadcaster.Delivery d;
        try {
            d = broadcaster.broadcastRoom(room, frame).join();
        } finally {
            frame.release();
        }
        if (d.delivered() != RECIPIENTS) {
            throw new IllegalStateException("delivered " + d);
        }
        return d.delivered();
    }
}
