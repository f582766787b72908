package io.jgoim.benchmarks;

import io.jgoim.common.http.JsonReply;
import io.jgoim.common.http.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What building a push's OK reply ({@code {"code":0,"message":"","data":{"routed":n}}}) costs logic per push: the
 * Jackson path (a map per reply, serialised by the shared ObjectMapper; what every push paid before) against the data
 * writing its own JSON ({@link RawJson}, what a push's {@code Routed} does now). Use {@code -prof gc} for B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PushReplyBenchmark {
    @Param({"jackson", "raw"})
    public String path;

    private int routed = 14_617;

    /** The shape of logic's {@code PushRoutes.Routed} (package-private there). */
    record Routed(int routed) implements RawJson {
        private static final byte[] PREFIX = "{\"routed\":".getBytes(StandardCharsets.US_ASCII);

        @Override
        public void writeJson(ByteBuf out) {
            out.writeBytes(PREFIX);
            RawJson.writeLong(out, routed);
            out.writeByte('}');
        }
    }

    @Benchmark
    public int reply() {
        routed = routed + 1 & 0xffff;
        Object data = "raw".equals(path) ? new Routed(routed) : Map.of("routed", routed);
        FullHttpResponse r = JsonReply.ok(data);
        int n = r.content().readableBytes();
        r.release();
        return n;
    }
}
