package io.jgoim.loadtest.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of another process's memory and CPU from Linux's /proc: VmRSS from {@code /proc/<pid>/status} and
 * utime + stime from {@code /proc/<pid>/stat} (clock ticks, 100 per second on Linux/x86). Immutable.
 *
 * @param rssKb    resident set size in KiB
 * @param cpuTicks user + system CPU time in clock ticks
 * @param nanoTime when it was read ({@link System#nanoTime()})
 */
public record ProcessStats(long rssKb, long cpuTicks, long nanoTime) {
    /** Linux's USER_HZ; /proc reports CPU times in these ticks whatever the kernel's HZ. */
    public static final int TICKS_PER_SECOND = 100;

    /** Reads the process now; throws when it does not exist or /proc is unavailable. */
    public static ProcessStats read(long pid) throws IOException {
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                break;
            }
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name in parentheses may hold spaces; fields are counted after its closing parenthesis.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return new ProcessStats(rss, utime + stime, System.nanoTime());
    }

    /** Reads the process, or null when it cannot be read. */
    public static ProcessStats tryRead(long pid) {
        try {
            return read(pid);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Average CPU use between {@code earlier} and this reading, in percent of one core. */
    public double cpuPercentSince(ProcessStats earlier) {
        double seconds = (nanoTime - earlier.nanoTime) / 1e9;
        if (seconds <= 0) {
            return 0;
        }
        return (cpuTicks - earlier.cpuTicks) / (double) TICKS_PER_SECOND / seconds * 100.0;
    }
}
