package io.jgoim.benchmarks;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.common.overload.ThrottleConfig;
import io.jgoim.common.overload.ThrottlingInterceptor;
import io.jgoim.protocol.rpc.ThrottleTicket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the adaptive decisions on the paths they guard (issue 19: "the limiters cost nothing measurable";
 * 0 B/op expected with {@code -prof gc}): the BBR limiter's admit + release pair on a healthy node (what every push
 * and Connect pays), its refusal on an overloaded one, and the SRE throttle's request + accept pair towards a
 * healthy peer and its refusal towards a dead one, and the comet's re-offer of a held Disconnect through the gRPC
 * interceptor (its ticket in the call options; a peer gone for longer than the run, so it stays refused). Real clock ({@code System::nanoTime}), real
 * {@code ThreadLocalRandom}; the CPU reading is a constant (the sampler is not on the path).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-XX:+UseZGC"})
public class OverloadBenchmark {
    private static final OverloadConfig OVERLOAD = new OverloadConfig(true, 0.8, "process", Duration.ofMillis(250),
            0.8, Duration.ofSeconds(10), 100, Duration.ofSeconds(1));
    private static final ThrottleConfig THROTTLE = new ThrottleConfig(true, 2, Duration.ofSeconds(10), 20, 20);

    private BbrLimiter healthy;
    private BbrLimiter overloaded;
    private AdaptiveThrottle peerUp;
    private AdaptiveThrottle peerDown;
    private long countedAt;
    private ThrottlingInterceptor gone;
    private CallOptions ticketed;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return new byte[0];
        }
    };
    private static final MethodDescriptor<byte[], byte[]> DISCONNECT = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("jgoim.Logic/Disconnect")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    /** The network below the interceptor: never reached while the peer stays refused. */
    private static final Channel NOWHERE = new Channel() {
        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            throw new IllegalStateException("the throttle let a call through");
        }

        @Override
        public String authority() {
            return "logic";
        }
    };

    @Setup
    public void setUp() {
        healthy = new BbrLimiter(OVERLOAD, () -> 300, System::nanoTime);
        overloaded = new BbrLimiter(OVERLOAD, () -> 950, System::nanoTime);
        for (int i = 0; i < 100; i++) {
            overloaded.tryAcquire(); // held: in flight far above the learned capacity
        }
        peerUp = new AdaptiveThrottle(THROTTLE);
        peerDown = new AdaptiveThrottle(THROTTLE);
        for (int i = 0; i < 1_000; i++) {
            peerDown.tryAcquire(); // requests, no accepts
        }
        countedAt = peerDown.nanoTime();
        AdaptiveThrottle peerGone = new AdaptiveThrottle(
                new ThrottleConfig(true, 2, Duration.ofHours(1), 20, 20), System::nanoTime, () -> 0.5);
        for (int i = 0; i < 1_000; i++) {
            peerGone.tryAcquire(); // requests, no accepts, for longer than the run
        }
        gone = new ThrottlingInterceptor(peerGone, new SimpleMeterRegistry().counter("rejected"));
        ticketed = CallOptions.DEFAULT.withOption(ThrottleTicket.KEY, new ThrottleTicket());
        gone.interceptCall(DISCONNECT, ticketed, NOWHERE); // the first offer: counted, refused
    }

    /** What an admitted push or Connect pays: the decision, then the pass with its response time. */
    @Benchmark
    public long bbrAdmitAndRelease() {
        long t = healthy.tryAcquire();
        healthy.release(t);
        return t;
    }

    /** The same pair from both cores at once (the push API's event loops share one limiter). */
    @Benchmark
    @Threads(2)
    public long bbrAdmitAndReleaseTwoThreads() {
        long t = healthy.tryAcquire();
        healthy.release(t);
        return t;
    }

    /** A refusal under high CPU and in-flight above capacity. */
    @Benchmark
    public long bbrRefuse() {
        return overloaded.tryAcquire();
    }

    /** A call to a healthy peer: counted, let through, then its accept counted. */
    @Benchmark
    public boolean throttleHealthyPeer() {
        boolean go = peerUp.tryAcquire();
        peerUp.onAccepted();
        return go;
    }

    /** A call to a peer that accepts nothing: counted and (almost always) refused locally. */
    @Benchmark
    public boolean throttleDeadPeer() {
        return peerDown.tryAcquire();
    }

    /** Job's re-offer of a send refused locally: still counted in the window, decided again with its ticket. */
    @Benchmark
    public boolean throttleReoffer() {
        return peerDown.isCounted(countedAt) & peerDown.tryAgain(0.5); // both run, whatever the first says
    }

    /** The comet's re-offer of a held Disconnect: the interceptor reads its ticket, decides again, refuses. */
    @Benchmark
    public Object interceptorReoffer() {
        return gone.interceptCall(DISCONNECT, ticketed, NOWHERE);
    }
}
