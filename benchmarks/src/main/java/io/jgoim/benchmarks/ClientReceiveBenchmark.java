package io.jgoim.benchmarks;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ReceivePath;
import io.jgoim.loadtest.Receivers;
import io.jgoim.loadtest.metrics.EpochClock;
import io.jgoim.loadtest.metrics.Payload;
import io.jgoim.loadtest.metrics.RunMetrics;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioEventLoopGroup;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of issue 17's load tool, per delivered message: bytes as the comet writes them to a TCP session
 * go through the Java SDK's real pipeline (its frame decoder and {@code ClientHandler}: decode, op-9 unpacking,
 * dispatch, the listener call) into the load tool's room receiver ({@code RoomBroadcastScenario.Receiver}: payload
 * check, end-to-end latency into the run's {@code e2e} histogram, sequence tracking, counters). Three shapes: one
 * op-1000 frame per read ({@link #single}), {@value #BATCH} op-1000 frames back to back in one read ({@link #tcp16},
 * what a TCP session gets from a coalesced pass), and one op-9 frame holding {@value #BATCH} op-1000 frames
 * ({@link #batch16}, the WebSocket shape, and goim's). Bodies are 64 bytes, built once with the protocol's encoders;
 * each invocation copies them into a buffer from the client channel's allocator, as a socket read would fill one
 * (that copy is part of the figure, as the read is in production). ns/op and B/op ({@code -prof gc}) are per
 * delivered message. Runs on a Netty {@code FastThreadLocalThread} ({@link EventLoopThreads}) so recycled objects
 * are pooled as on a client loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.jgoim.benchmarks.EventLoopThreads"})
public class ClientReceiveBenchmark {
    static final int BATCH = 16;
    static final int BODY = 64;
    static final int OP = 1000;

    private ByteBufAllocator alloc;
    private EventLoopGroup group;
    private RunMetrics metrics;
    private ClientListener receiver;
    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private byte[] singleFrame;
    private byte[] batchFrame;
    private byte[] tcpFrames;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() {
        group = new NioEventLoopGroup(1);
        metrics = new RunMetrics(List.of("e2e"), List.of(), 0);
        receiver = Receivers.room(OP, metrics);
        channel = ReceivePath.channel(group, receiver);
        pipeline = channel.pipeline();
        alloc = channel.alloc();
        byte[] body = Payload.encode(1, 0, EpochClock.nowEpochNanos(), BODY);
        singleFrame = ByteBufUtil.getBytes(ProtoCodec.encode(UnpooledByteBufAllocator.DEFAULT, PacketLayout.VERSION,
                OP, 0, body));
        ByteBuf inner = Unpooled.buffer(BATCH * (PacketLayout.HEADER_LENGTH + BODY));
        for (int i = 0; i < BATCH; i++) {
            ProtoCodec.writeHeader(inner, BODY, PacketLayout.VERSION, OP, 0);
            inner.writeBytes(body);
        }
        tcpFrames = ByteBufUtil.getBytes(inner);
        batchFrame = ByteBufUtil.getBytes(ProtoCodec.wrapRaw(UnpooledByteBufAllocator.DEFAULT, inner));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long expected = sequence;
        long seen = Receivers.seen(receiver);
        channel.finishAndReleaseAll();
        metrics.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (seen != expected) {
            throw new IllegalStateException("receiver saw " + seen + " distinct messages, expected " + expected);
        }
    }

    /** One op-1000 frame in one read. */
    @Benchmark
    public void single() {
        ByteBuf in = alloc.directBuffer(singleFrame.length);
        in.writeBytes(singleFrame);
        stamp(in, PacketLayout.HEADER_LENGTH + 8, 1);
        read(in);
    }

    /** One op-9 frame holding {@value #BATCH} op-1000 frames, in one read; per delivered message. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batch16() {
        ByteBuf in = alloc.directBuffer(batchFrame.length);
        in.writeBytes(batchFrame);
        stamp(in, PacketLayout.HEADER_LENGTH + PacketLayout.HEADER_LENGTH + 8, BATCH);
        read(in);
    }

    /**
     * {@value #BATCH} op-1000 frames back to back in one read: what a TCP session gets when the comet coalesces a
     * room's messages (a push's TCP bytes are its frames unwrapped; op 9 wraps them for WebSocket); per message.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void tcp16() {
        ByteBuf in = alloc.directBuffer(tcpFrames.length);
        in.writeBytes(tcpFrames);
        stamp(in, PacketLayout.HEADER_LENGTH + 8, BATCH);
        read(in);
    }

    /**
     * Writes the sequence and a send time 1 ms ago into the {@code n} payloads whose sequence field starts at
     * {@code at}: latencies stay steady, as in a run (a send time fixed at set-up would make every value a new
     * maximum of the histogram, a CAS per message that a run does not pay).
     */
    private void stamp(ByteBuf in, int at, int n) {
        long sent = EpochClock.nowEpochNanos() - 1_000_000;
        for (int i = 0; i < n; i++, at += PacketLayout.HEADER_LENGTH + BODY) {
            in.setLong(at, sequence++);
            in.setLong(at + 8, sent);
        }
    }

    /** What a socket read does with its bytes ({@code EmbeddedChannel#writeInbound} would add a varargs array). */
    private void read(ByteBuf in) {
        pipeline.fireChannelRead(in);
        pipeline.fireChannelReadComplete();
    }
}
