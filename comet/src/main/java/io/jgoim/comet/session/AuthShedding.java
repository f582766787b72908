package io.jgoim.comet.session;

import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.common.overload.CpuReading;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.common.overload.OverloadMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.IntSupplier;

/**
 * Adaptive shedding of the comet's auth path ({@code overload} section): a BBR limiter over the auths waiting for
 * logic's Connect, reading the comet's own CPU. An auth it refuses closes with OVERLOADED (4015) before logic is
 * called, so a comet short of CPU sends reconnecting clients elsewhere instead of queueing them. Owns the comet's
 * {@link CpuReading}: from {@link #start} to {@link #close} it leases the JVM's CPU sampler when shedding is on, and
 * starts none when it is off. Its meters are registered at construction, at zero. Thread-safe.
 */
public final class AuthShedding implements AutoCloseable {
    /** What {@link #tryAcquire} returns for a refused auth. */
    public static final long REJECTED = BbrLimiter.REJECTED;
    /** The {@code place} tag of the auth path's refusals. */
    public static final String PLACE = "auth";

    private final CpuReading cpu;
    private final BbrLimiter limiter;
    private final Counter shed;

    public AuthShedding(OverloadConfig config, MeterRegistry registry) {
        this.cpu = new CpuReading(config);
        this.limiter = new BbrLimiter(config, cpu, System::nanoTime);
        this.shed = OverloadMeters.bind(registry, "comet", PLACE, limiter);
    }

    /** The start of an admitted auth (give it to {@link #release}), or {@link #REJECTED}, counted. */
    public long tryAcquire() {
        long t = limiter.tryAcquire();
        if (t == REJECTED) {
            shed.increment();
        }
        return t;
    }

    /** The auth admitted at {@code start} got logic's answer (or gave up). */
    public void release(long start) {
        limiter.release(start);
    }

    public BbrLimiter limiter() {
        return limiter;
    }

    /**
     * Replaces the CPU reading (per mille) in place of the sampled one: for test fixtures and overload drills.
     * {@code null} restores the sampler.
     */
    public void cpuReading(IntSupplier permille) {
        cpu.override(permille);
    }

    public void start() {
        cpu.start();
    }

    @Override
    public void close() {
        cpu.close();
    }
}
