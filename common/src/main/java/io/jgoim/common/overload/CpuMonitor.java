package io.jgoim.common.overload;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The node's CPU load smoothed by an exponentially weighted moving average, in per mille: every sample does
 * {@code cpu = cpu * decay + sample * (1 - decay)}, so one spike does not start shedding and one quiet sample does not
 * stop it. Sampled by one daemon thread ({@code jgoim-cpu}) once {@link #start}ed, or by {@link #sample} (tests).
 * {@link #getAsInt} is a volatile read, safe from any thread. Owns its source: {@link #close} stops the thread and
 * closes the source (not restartable). Nodes do not start their own: they lease the JVM's one
 * ({@link SharedCpuMonitor}).
 */
public final class CpuMonitor implements IntSupplier, AutoCloseable {
    private final CpuSource source;
    private final double decay;
    private double ewma;
    private volatile int permille;
    private ScheduledExecutorService sampler;

    public CpuMonitor(CpuSource source, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("cpu decay must be in [0, 1), was " + decay);
        }
        this.source = source;
        this.decay = decay;
    }

    /** Reads the source once and folds it into the average; an unknown reading (negative, NaN) is skipped. */
    public synchronized void sample() {
        double load = source.load();
        if (!(load >= 0)) {
            return;
        }
        ewma = ewma * decay + Math.min(load, 1.0) * 1000.0 * (1 - decay);
        permille = (int) Math.round(ewma);
    }

    /** The smoothed load in per mille (0–1000). */
    @Override
    public int getAsInt() {
        return permille;
    }

    /**
     * Samples every {@code period} on a daemon thread until {@link #close}, the first time one period from now (a
     * procfs source measures each sample from the previous one, the first from when it opened).
     */
    public synchronized CpuMonitor start(Duration period) {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "jgoim-cpu");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(1, period.toMillis());
            sampler.scheduleAtFixedRate(this::sampleQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // an unreadable sample leaves the average as it was
        }
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
        source.close();
    }
}
