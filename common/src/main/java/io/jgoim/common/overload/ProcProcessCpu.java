package io.jgoim.common.overload;

import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * This JVM's CPU load from {@code /proc/self/stat}: user + system ticks of all its threads since the previous sample,
 * over the wall time between the two samples × the CPUs available to the JVM (a container's quota included, as
 * {@link Runtime#availableProcessors} counts it when the source opens). The first sample after {@link #open} is
 * measured from the reading {@code open} took. Replaces the {@code OperatingSystemMXBean}'s
 * {@code getProcessCpuLoad}, which also reads the container's metric files per call. Thread-safe (one lock).
 */
final class ProcProcessCpu implements CpuSource {
    /**
     * {@code USER_HZ}, the unit of procfs CPU times: fixed at 100 by the kernel's ABI on every architecture a JDK 17
     * runs on (x86, arm64, ppc64le, s390x, riscv64), whatever the kernel's internal {@code HZ}.
     */
    static final long TICKS_PER_SECOND = 100;
    private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;
    // pid, a comm of at most 16 bytes and the 13 short fields before utime fit well within this.
    private static final int HEAD_BYTES = 512;

    private final ProcFile file;
    private final int processors;
    private final LongSupplier nanoClock;
    private long lastTicks;
    private long lastNanos;

    private ProcProcessCpu(ProcFile file, int processors, LongSupplier nanoClock) {
        this.file = file;
        this.processors = processors;
        this.nanoClock = nanoClock;
    }

    /** The source for {@code stat} (normally {@code /proc/self/stat}), or null if it cannot be read and parsed. */
    static ProcProcessCpu open(Path stat, int availableProcessors, LongSupplier nanoClock) {
        ProcFile file = ProcFile.open(stat, HEAD_BYTES);
        if (file == null) {
            return null;
        }
        ProcProcessCpu source = new ProcProcessCpu(file, Math.max(1, availableProcessors), nanoClock);
        long ticks = source.ticks();
        if (ticks < 0) {
            file.close();
            return null;
        }
        source.lastTicks = ticks;
        source.lastNanos = nanoClock.getAsLong();
        return source;
    }

    /** user + system ticks of the process so far, or -1 if unreadable. */
    synchronized long ticks() {
        int n = file.read();
        return n > 0 ? ProcStat.processTicks(file.buffer(), n) : -1;
    }

    @Override
    public synchronized double load() {
        long ticks = ticks();
        long now = nanoClock.getAsLong();
        if (ticks < 0) {
            return -1;
        }
        long wall = now - lastNanos;
        if (wall < NANOS_PER_TICK) {
            // shorter than one tick: the reading would be 0 or a whole tick's worth; keep measuring from the last
            return -1;
        }
        long used = ticks - lastTicks;
        lastTicks = ticks;
        lastNanos = now;
        return Math.min(1.0, Math.max(0.0, (double) used * NANOS_PER_TICK / ((double) wall * processors)));
    }

    @Override
    public synchronized void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "/proc/self/stat";
    }
}
