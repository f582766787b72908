package io.jgoim.common.overload;

import java.nio.ByteBuffer;

/**
 * Parses the two procfs lines the CPU sources read, in place, from the bytes {@link ProcFile} read: no string, no
 * array, no boxing per sample. Numbers are the kernel's {@code USER_HZ} ticks (jiffies). Stateless.
 *
 * <pre>
 * /proc/stat, first line:   cpu  user nice system idle iowait irq softirq steal guest guest_nice
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
        long busy = 0;
        long total = 0;
        int i = 4;
        for (int field = 0; field < MACHINE_FIELDS; field++) {
            while (i < length && buf.get(i) == ' ') {
                i++;
            }
            int start = i;
            long value = 0;
            for (byte b; i < length && (b = buf.get(i)) >= '0' && b <= '9'; i++) {
                value = value * 10 + (b - '0');
            }
            if (i == start || i == length) {
                // no digits, or the number runs into the end of what was read: it may be cut
                return false;
            }
            byte after = buf.get(i);
            if (after != ' ' && after != '\n') {
                return false;
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
        out[BUSY] = busy;
        out[TOTAL] = total;
        return true;
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
