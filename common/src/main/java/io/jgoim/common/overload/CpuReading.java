package io.jgoim.common.overload;

import java.util.function.IntSupplier;

/**
 * The CPU reading (per mille) one node's BBR limiters compare with {@code overload.cpuThreshold}: the JVM's shared
 * sampler ({@link SharedCpuMonitor}) from {@link #start} to {@link #close} while {@code overload.enabled}; 0 while
 * shedding is off, when nothing reads it to decide and no {@code jgoim-cpu} thread runs for it; or, in place of
 * either, an override ({@link #override}: fixtures and drills that make a node look busy without burning CPU).
 * Thread-safe; {@link #getAsInt} is two volatile reads.
 */
public final class CpuReading implements IntSupplier, AutoCloseable {
    private static final IntSupplier NOT_SAMPLED = () -> 0;

    private final OverloadConfig config;
    private volatile IntSupplier sampled = NOT_SAMPLED;
    private volatile IntSupplier override;
    private SharedCpuMonitor.Lease lease; // guarded by this
    private boolean closed; // guarded by this

    public CpuReading(OverloadConfig config) {
        this.config = config;
    }

    @Override
    public int getAsInt() {
        IntSupplier o = override;
        return (o != null ? o : sampled).getAsInt();
    }

    /** Replaces the sampled reading with {@code permille}; {@code null} restores the sampled one. */
    public void override(IntSupplier permille) {
        this.override = permille;
    }

    /** Leases the JVM's CPU sampler if shedding is on; does nothing when it is off, already started or closed. */
    public synchronized void start() {
        if (config.enabled() && lease == null && !closed) {
            lease = SharedCpuMonitor.lease(config);
            sampled = lease;
        }
    }

    /** Gives the lease back (the sampler stops with its last lease). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (lease != null) {
            sampled = NOT_SAMPLED;
            lease.close();
            lease = null;
        }
    }
}
