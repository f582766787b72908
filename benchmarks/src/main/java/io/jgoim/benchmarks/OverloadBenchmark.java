package io.jgoim.benchmarks;

import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.common.overload.ThrottleConfig;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the adaptive decisions on the paths they guard (issue 19: "the limiters cost nothing measurable";
 * 0 B/op expected with {@code -prof gc}): the BBR limiter's admit + release pair on a healthy node (what every push
 * and Connect pays), its refusal on an overloaded one, and the SRE throttle's request + accept pair towards a
 * healthy peer and its refusal towards a dead one. Real clock ({@code System::nanoTime}), real
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
}
