package io.jgoim.logic.http;

import io.jgoim.common.http.JsonReply;
import io.jgoim.common.http.RawJson;
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

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What building a push's OK reply ({@code {"code":0,"message":"","data":{"routed":n}}}) costs logic per push: the
 * Jackson path (a map per reply, serialised by the shared ObjectMapper; what every push paid before) against the data
 * writing its own JSON ({@link RawJson}: logic's own {@link PushRoutes.Routed}, what a push answers now). In this
 * package so that it measures {@code Routed} itself, which stays package-private. Use {@code -prof gc} for B/op.
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

    @Benchmark
    public int reply() {
        routed = routed + 1 & 0xffff;
        Object data = "raw".equals(path) ? new PushRoutes.Routed(routed) : Map.of("routed", routed);
        FullHttpResponse r = JsonReply.ok(data);
        int n = r.content().readableBytes();
        r.release();
        return n;
    }
}
