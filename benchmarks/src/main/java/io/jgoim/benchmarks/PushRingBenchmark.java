package io.jgoim.benchmarks;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.ring.PushRing;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtoEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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

import java.util.concurrent.TimeUnit;

/**
 * The per-session outbound ring that key pushes go through. Three levels: {@link PushRing} alone (offer one element
 * and poll it; and a burst of 16 offers then 16 polls, i.e. a full ring of the default size), then the whole key-push
 * path of a {@link Session}: {@link Session#offer} (monitor, retain, ring, drain task scheduled on the channel's event
 * loop) followed by the drain ({@link Session#run}: poll, write through the real TCP encoder to a {@link ReleasingSink},
 * one flush), for one push and for a burst of 16 that the drain writes with a single flush. Everything runs on one
 * thread (an {@link EmbeddedChannel}'s loop runs its tasks when asked), so the figures are the CPU cost of the ring
 * and the session's bookkeeping without cross-thread wake-ups; ns/op and B/op (with {@code -prof gc}) are per push.
 * The target is 0 B per push beyond the pooled buffers (the ring is allocated once per session and reused).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.jgoim.benchmarks.EventLoopThreads"})
public class PushRingBenchmark {
    static final int BURST = 16;

    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT; // as CometServer (Netty 4.2: adaptive)
    private final Object element = new Object();
    private PushRing ring;
    private EmbeddedChannel channel;
    private Session session;
    private PushFrame frame;

    @Setup(Level.Trial)
    public void setUp() {
        ring = new PushRing(BURST);
        channel = new EmbeddedChannel(ReleasingSink.INSTANCE, ProtoEncoder.INSTANCE);
        session = new Session(channel, SessionTransport.TCP, 1, "key-1", false, 0, BURST, CometMetrics.noop(),
                code -> { });
        ByteBuf frames = alloc.directBuffer(PacketLayout.HEADER_LENGTH + 64);
        ProtoCodec.writeHeader(frames, 64, PacketLayout.VERSION, 1000, 0);
        frames.writeZero(64);
        frame = new PushFrame(frames, alloc);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        if (frame.refCnt() != 1) {
            throw new IllegalStateException("frame refCnt " + frame.refCnt() + ", expected 1: a push leaked");
        }
        frame.release();
    }

    /** PushRing alone: one offer and one poll. */
    @Benchmark
    public Object ringOfferPoll() {
        ring.offer(element);
        return ring.poll();
    }

    /** PushRing alone: fill the ring (16), then drain it; per element. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public Object ringBurst() {
        for (int i = 0; i < BURST; i++) {
            ring.offer(element);
        }
        Object last = null;
        for (int i = 0; i < BURST; i++) {
            last = ring.poll();
        }
        return last;
    }

    /** A key push through the session: offer (schedules the drain), then the drain writes it and flushes. */
    @Benchmark
    public boolean sessionOfferDrain() {
        boolean ok = session.offer(frame);
        channel.runPendingTasks();
        return ok;
    }

    /** 16 key pushes offered before the drain runs: one drain task, 16 writes, one flush; per push. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public boolean sessionBurstDrain() {
        boolean ok = true;
        for (int i = 0; i < BURST; i++) {
            ok &= session.offer(frame);
        }
        channel.runPendingTasks();
        if (!ok) {
            throw new IllegalStateException("ring full: a push was dropped");
        }
        return ok;
    }
}
