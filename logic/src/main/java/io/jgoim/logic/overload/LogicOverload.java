package io.jgoim.logic.overload;

import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.common.overload.CpuReading;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.common.overload.OverloadMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.IntSupplier;

/**
 * The shedding points of one logic node ({@code overload} section): the push API and Connect, each its own
 * {@link BbrLimiter} (their response times differ by orders of magnitude, so each measures its own capacity), both
 * reading one {@link CpuReading}: from {@link #start} to {@link #close} it leases the JVM's CPU sampler (one per
 * process, shared with a comet in the same JVM) when shedding is on, and starts none when it is off. Meters are
 * registered at construction, at zero. Thread-safe.
 */
public final class LogicOverload implements AutoCloseable {
    /** The {@code place} tag of the push API's refusals. */
    public static final String PUSH_API = "push_api";
    /** The {@code place} tag of Connect's refusals. */
    public static final String CONNECT = "connect";

    private final CpuReading cpu;
    private final BbrLimiter pushApi;
    private final BbrLimiter connect;
    private final Counter pushApiShed;
    private final Counter connectShed;

    public LogicOverload(OverloadConfig config, MeterRegistry registry) {
        this.cpu = new CpuReading(config);
        this.pushApi = new BbrLimiter(config, cpu, System::nanoTime);
        this.connect = new BbrLimiter(config, cpu, System::nanoTime);
        this.pushApiShed = OverloadMeters.bind(registry, "logic", PUSH_API, pushApi);
        this.connectShed = OverloadMeters.bind(registry, "logic", CONNECT, connect);
    }

    public BbrLimiter pushApi() {
        return pushApi;
    }

    public Counter pushApiShed() {
        return pushApiShed;
    }

    public BbrLimiter connect() {
        return connect;
    }

    public Counter connectShed() {
        return connectShed;
    }

    /**
     * Replaces the CPU reading the limiters use (per mille), in place of the sampled one: for test fixtures and
     * overload drills that must make a node look busy without burning its CPU. {@code null} restores the sampler.
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
