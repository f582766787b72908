package io.jgoim.common.overload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's CPU load from {@code /proc/stat}: the share of all CPUs' ticks since the previous sample that were
 * not idle (idle and iowait are idle; steal counts as busy: the time was not ours to use). A JVM pinned to some of the
 * machine's CPUs (its affinity or cpuset, e.g. {@code taskset -c 1}) reads the per-CPU lines of those CPUs only: the
 * load of the CPUs it can run on, other processes' work on them included, and not the load of CPUs it cannot use.
 * The first sample after {@link #open} is measured from the reading {@code open} took. Replaces the
 * {@code OperatingSystemMXBean}'s {@code getCpuLoad}, which reads several container metric files per call (1.4–1.7 ms
 * of CPU here). Thread-safe (one lock; one caller in practice, the {@code jgoim-cpu} sampler).
 */
final class ProcMachineCpu implements CpuSource {
    // The aggregate line is ~100 bytes on any machine; an unpinned JVM needs none of the per-CPU lines that follow.
    private static final int HEAD_BYTES = 512;

    // A per-CPU line is at most ~120 bytes (ten 20-digit counters); what the aggregate line leaves of HEAD_BYTES
    // and this much per CPU holds every cpu line.
    private static final int CPU_LINE_BYTES = 128;

    private final ProcFile file;
    private final boolean[] pinned;
    private final int pinnedCount;
    private final long[] ticks = new long[2];
    private long lastBusy;
    private long lastTotal;

    private ProcMachineCpu(ProcFile file, boolean[] pinned, int pinnedCount) {
        this.file = file;
        this.pinned = pinned;
        this.pinnedCount = pinnedCount;
    }

    /**
     * The source for {@code stat} (normally {@code /proc/stat}), or null where it cannot serve: no such file, a line
     * it cannot parse, or a JVM given fewer CPUs than the machine has (a container's quota or cpuset): there the
     * machine's figure is not this node's, and the MXBean, which reads the container's own metrics, stays in charge.
     */
    static ProcMachineCpu open(Path stat, int availableProcessors) {
        return open(stat, availableProcessors, null);
    }

    /**
     * As {@link #open(Path, int)}, but a JVM whose {@code availableProcessors} are exactly the CPUs of
     * {@code allowedCpus} (its affinity: {@code Cpus_allowed_list} of {@code /proc/self/status}; null = unknown), fewer
     * than the machine's, reads those CPUs' lines. A quota (fewer processors than allowed CPUs) still gets null.
     */
    static ProcMachineCpu open(Path stat, int availableProcessors, boolean[] allowedCpus) {
        int machine = machineCpus(stat);
        boolean[] pinned = null;
        int pinnedCount = 0;
        if (availableProcessors < machine) {
            pinnedCount = count(allowedCpus);
            if (pinnedCount != availableProcessors || pinnedCount == 0) {
                return null;
            }
            pinned = allowedCpus;
        }
        ProcFile file = ProcFile.open(stat, pinned == null ? HEAD_BYTES : HEAD_BYTES + CPU_LINE_BYTES * machine);
        if (file == null) {
            return null;
        }
        ProcMachineCpu source = new ProcMachineCpu(file, pinned, pinnedCount);
        if (!source.read()) {
            file.close();
            return null;
        }
        source.lastBusy = source.ticks[ProcStat.BUSY];
        source.lastTotal = source.ticks[ProcStat.TOTAL];
        return source;
    }

    /**
     * The CPUs of a {@code Cpus_allowed_list} line in {@code status} (normally {@code /proc/self/status}; "0-3,6"),
     * indexed by CPU number, or null when unreadable.
     */
    static boolean[] allowedCpus(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return cpuList(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** A kernel CPU list ("0-3,6") as flags by CPU number, or null when it is not one. */
    static boolean[] cpuList(String list) {
        try {
            int max = -1;
            for (String part : list.split(",")) {
                String[] range = part.trim().split("-");
                max = Math.max(max, Integer.parseInt(range[range.length - 1].trim()));
            }
            if (max < 0 || max > 65535) {
                return null;
            }
            boolean[] cpus = new boolean[max + 1];
            for (String part : list.split(",")) {
                String[] range = part.trim().split("-");
                int from = Integer.parseInt(range[0].trim());
                for (int c = from; c <= Integer.parseInt(range[range.length - 1].trim()); c++) {
                    cpus[c] = true;
                }
            }
            return cpus;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int count(boolean[] cpus) {
        int n = 0;
        for (int i = 0; cpus != null && i < cpus.length; i++) {
            n += cpus[i] ? 1 : 0;
        }
        return n;
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
        return n > 0 && (pinned == null ? ProcStat.machine(file.buffer(), n, ticks)
                : ProcStat.cpus(file.buffer(), n, pinned, pinnedCount, ticks));
    }

    @Override
    public synchronized void close() {
        file.close();
    }

    @Override
    public String toString() {
        return pinned == null ? "/proc/stat" : "/proc/stat (" + pinnedCount + " pinned CPUs)";
    }
}
