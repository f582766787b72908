package io.jgoim.common.overload;

import java.nio.ByteBuffer;

/**
 * Parses the procfs lines the CPU sources read, in place, from the bytes {@link ProcFile} read: no string, no
 * array, no boxing per sample. Numbers are the kernel's {@code USER_HZ} ticks (jiffies). Stateless.
 *
 * <pre>
 * /proc/stat, first line:   cpu  user nice system idle iowait irq softirq steal guest guest_nice
 * /proc/stat, per CPU:      cpuN user nice ... (the same fields, one line per CPU after the first)
 * /proc/self/stat:          pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
 *                           utime stime ...   (comm may hold spaces and parentheses: fields count from the last ')')
 * </pre>
 */
final class ProcStat {
    /** Index in {@link #machine}'s {@code out} of the non-idle ticks. */
    static final int BUSY = 0;
    /** Index in {@link #machine}'s {@code out} of all ticks. */
    static final int TOTAL = 1;
    // user nice system idle iowait irq softirq steal: guest and guest_nice are already counted in user and nice.
    private static final int MACHINE_FIELDS = 8;
    private static final int IDLE = 3;
    private static final int IOWAIT = 4;
    // After the ')' that ends comm (field 2), the k-th space starts field 2 + k: utime is field 14 (proc(5)).
    private static final int SPACES_BEFORE_UTIME = 12;

    private ProcStat() {
    }

    /**
     * Reads the aggregate {@code cpu} line at the start of {@code buf}'s first {@code length} bytes into
     * {@code out[BUSY]} (user + nice + system + irq + softirq + steal: not available to new work) and
     * {@code out[TOTAL]} (those and idle + iowait). False when the line is not there or is cut short.
     */
    static boolean machine(ByteBuffer buf, int length, long[] out) {
        if (length < 4 || buf.get(0) != 'c' || buf.get(1) != 'p' || buf.get(2) != 'u' || buf.get(3) != ' ') {
            return false;
        }
        out[BUSY] = 0;
        out[TOTAL] = 0;
        return fields(buf, 4, length, out) > 0;
    }

    /**
     * Sums the per-CPU lines ({@code cpuN ...}) of the CPUs with {@code wanted[N]} set into {@code out[BUSY]} and
     * {@code out[TOTAL]}, counted as in {@link #machine}: the load of the CPUs a pinned node may run on (its affinity
     * or cpuset), not the machine's. False unless every wanted CPU's line was read whole.
     */
    static boolean cpus(ByteBuffer buf, int length, boolean[] wanted, int wantedCount, long[] out) {
        out[BUSY] = 0;
        out[TOTAL] = 0;
        int found = 0;
        int i = 0;
        while (i + 4 < length) {
            if (buf.get(i) == 'c' && buf.get(i + 1) == 'p' && buf.get(i + 2) == 'u' && isDigit(buf.get(i + 3))) {
                int j = i + 3;
                int cpu = 0;
                for (byte b; j < length && isDigit(b = buf.get(j)); j++) {
                    cpu = cpu * 10 + (b - '0');
                }
                if (j < length && buf.get(j) == ' ' && cpu < wanted.length && wanted[cpu]) {
                    j = fields(buf, j, length, out);
                    if (j < 0) {
                        return false;
                    }
                    found++;
                }
                i = j;
            }
            while (i < length && buf.get(i) != '\n') {
                i++;
            }
            i++;
        }
        return found == wantedCount;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /**
     * Adds the tick fields of one {@code cpu} line from index {@code i} (the space after its name) to {@code out};
     * returns the index after them, or -1 if the line is cut or foreign.
     */
    private static int fields(ByteBuffer buf, int i, int length, long[] out) {
        long busy = 0;
        long total = 0;
        for (int field = 0; field < MACHINE_FIELDS; field++) {
            while (i < length && buf.get(i) == ' ') {
                i++;
            }
            int start = i;
            long value = 0;
            for (byte b; i < length && isDigit(b = buf.get(i)); i++) {
                value = value * 10 + (b - '0');
            }
            if (i == start || i == length) {
                // no digits, or the number runs into the end of what was read: it may be cut
                return -1;
            }
            byte after = buf.get(i);
            if (after != ' ' && after != '\n') {
                return -1;
            }
            total += value;
            if (field != IDLE && field != IOWAIT) {
                busy += value;
            }
            if (after == '\n' && field < MACHINE_FIELDS - 1) {
                // kernels before 2.6.11 stop earlier: what is missing counts as zero
                break;
            }
        }
        out[BUSY] += busy;
        out[TOTAL] += total;
        return i;
    }

    /** utime + stime of {@code /proc/self/stat}'s first {@code length} bytes in {@code buf}, or -1 if unreadable. */
    static long processTicks(ByteBuffer buf, int length) {
        int i = length - 1;
        while (i >= 0 && buf.get(i) != ')') {
            i--;
        }
        if (i < 0) {
            return -1;
        }
        i++;
        for (int skipped = 0; skipped < SPACES_BEFORE_UTIME; i++) {
            if (i >= length) {
                return -1;
            }
            if (buf.get(i) == ' ') {
                skipped++;
            }
        }
        long sum = 0;
        for (int field = 0; field < 2; field++) {
            int start = i;
            long value = 0;
            for (byte b; i < length && (b = buf.get(i)) >= '0' && b <= '9'; i++) {
                value = value * 10 + (b - '0');
            }
            if (i == start || i == length || buf.get(i) != ' ') {
                return -1;
            }
            sum += value;
            i++;
        }
        return sum;
    }
}
