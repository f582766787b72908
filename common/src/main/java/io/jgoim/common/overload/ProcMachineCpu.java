package io.jgoim.common.overload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's CPU load from {@code /proc/stat}: the share of all CPUs' ticks since the previous sample that were
 * not idle (idle and iowait are idle; steal counts as busy: the time was not ours to use). The first sample after
 * {@link #open} is measured from the reading {@code open} took. Replaces the {@code OperatingSystemMXBean}'s
 * {@code getCpuLoad}, which reads several container metric files per call (1.4–1.7 ms of CPU here). Thread-safe (one
 * lock; one caller in practice, the {@code jgoim-cpu} sampler).
 */
final class ProcMachineCpu implements CpuSource {
    // The aggregate line is ~100 bytes on any machine; the per-CPU lines that follow are not needed.
    private static final int HEAD_BYTES = 512;

    private final ProcFile file;
    private final long[] ticks = new long[2];
    private long lastBusy;
    private long lastTotal;

    private ProcMachineCpu(ProcFile file) {
        this.file = file;
    }

    /**
     * The source for {@code stat} (normally {@code /proc/stat}), or null where it cannot serve: no such file, a line
     * it cannot parse, or a JVM given fewer CPUs than the machine has (a container's quota or cpuset): there the
     * machine's figure is not this node's, and the MXBean, which reads the container's own metrics, stays in charge.
     */
    static ProcMachineCpu open(Path stat, int availableProcessors) {
        if (availableProcessors < machineCpus(stat)) {
            return null;
        }
        ProcFile file = ProcFile.open(stat, HEAD_BYTES);
        if (file == null) {
            return null;
        }
        ProcMachineCpu source = new ProcMachineCpu(file);
        if (!source.read()) {
            file.close();
            return null;
        }
        source.lastBusy = source.ticks[ProcStat.BUSY];
        source.lastTotal = source.ticks[ProcStat.TOTAL];
        return source;
    }

    /** The per-CPU lines ({@code cpu0}, {@code cpu1}, ...) of {@code stat}, read once; 0 when unreadable. */
    static int machineCpus(Path stat) {
        List<String> lines;
        try {
            lines = Files.readAllLines(stat);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        int cpus = 0;
        for (String line : lines) {
            if (line.length() > 3 && line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                cpus++;
            }
        }
        return cpus;
    }

    @Override
    public synchronized double load() {
        if (!read()) {
            return -1;
        }
        long busy = ticks[ProcStat.BUSY] - lastBusy;
        long total = ticks[ProcStat.TOTAL] - lastTotal;
        if (total <= 0) {
            // no tick since the last sample: keep measuring from it
            return -1;
        }
        lastBusy = ticks[ProcStat.BUSY];
        lastTotal = ticks[ProcStat.TOTAL];
        // iowait may run backwards on some kernels (NO_HZ accounting): keep the fraction in [0, 1]
        return Math.min(1.0, Math.max(0.0, (double) busy / total));
    }

    private boolean read() {
        int n = file.read();
        return n > 0 && ProcStat.machine(file.buffer(), n, ticks);
    }

    @Override
    public synchronized void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "/proc/stat";
    }
}
