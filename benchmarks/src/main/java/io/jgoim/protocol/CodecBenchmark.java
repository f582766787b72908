package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * Decode and encode of one goim frame with a 64-byte or 1 KiB body, as the comet does per inbound frame and per
 * reply. Run with {@code -prof gc}: the target is 0 B/op beyond pooled buffers (the Proto and the body slice are
 * recycled on the event-loop threads {@link io.jgoim.benchmarks.EventLoopThreads} provides). The executor flags sit
 * in jvmArgsPrepend so that {@code -jvmArgsAppend} on the command line (e.g. JDK 25's
 * {@code --sun-misc-unsafe-memory-access=allow}) adds to them instead of replacing them. Lives in the protocol package
 * to call the codecs' decode/encode directly, without a pipeline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.jgoim.benchmarks.EventLoopThreads"})
public class CodecBenchmark {
    @Param({"64", "1024"})
    public int bodySize;

    private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final List<Object> out = new ArrayList<>(4);
    private ProtoFrameDecoder decoder;
    private ByteBuf wire;
    private ByteBuf body;
    private Proto proto;

    @Setup(Level.Trial)
    public void setUp() {
        decoder = new ProtoFrameDecoder(bodySize, true);
        body = alloc.directBuffer(bodySize);
        for (int i = 0; i < bodySize; i++) {
            body.writeByte('a' + i % 26);
        }
        wire = alloc.directBuffer(PacketLayout.HEADER_LENGTH + bodySize);
        ProtoCodec.writeFrame(wire, 1, Op.SEND_MSG, 1, body);
        proto = Proto.newInstance(1, 1000, 0, body.retain());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        wire.release();
        proto.release();
        body.release();
    }

    /** TCP decode: one whole frame in the cumulation buffer becomes one pooled Proto with a sliced body. */
    @Benchmark
    public int decode() {
        wire.readerIndex(0);
        decoder.decode(null, wire, out);
        Proto p = (Proto) out.get(0);
        int op = p.op() + p.bodyLength();
        p.release();
        out.clear();
        return op;
    }

    /** TCP encode: header + body copied into one pooled direct buffer, as ProtoEncoder does. */
    @Benchmark
    public int encode() {
        ByteBuf buf = alloc.ioBuffer(proto.packLength());
        ProtoEncoder.INSTANCE.encode(null, proto, buf);
        int n = buf.readableBytes();
        buf.release();
        return n;
    }
}
