package io.jgoim.comet.index;

import io.jgoim.protocol.Op;

import java.util.Arrays;

/**
 * The arithmetic of a session's watched push ops, kept as immutable sorted arrays: goim's filter rule and the
 * copy-on-write add and remove. Static, so a session pays one array reference and no helper object; the
 * {@link Session} publishes each new array through its volatile field (pushing threads read it, only the session's
 * event loop writes it).
 */
final class WatchedOps {
    static final int[] NONE = new int[0];

    private WatchedOps() {
    }

    /** goim's rule: ops below 1000 always pass, business ops only when in {@code watched}. */
    static boolean passes(int[] watched, int op) {
        if (op >= 0 && op < Op.BUSINESS_MIN) {
            return true;
        }
        return Arrays.binarySearch(watched, op) >= 0;
    }

    /** {@code cur} with {@code ops} added, sorted and without repeats (a new array; {@code cur} is untouched). */
    static int[] add(int[] cur, int[] ops) {
        int[] merged = Arrays.copyOf(cur, cur.length + ops.length);
        System.arraycopy(ops, 0, merged, cur.length, ops.length);
        return distinctSorted(merged);
    }

    /** {@code cur} without {@code ops} (a new array, or {@link #NONE} when nothing is left). */
    static int[] remove(int[] cur, int[] ops) {
        int[] out = new int[cur.length];
        int n = 0;
        for (int op : cur) {
            boolean drop = false;
            for (int u : ops) {
                if (u == op) {
                    drop = true;
                    break;
                }
            }
            if (!drop) {
                out[n++] = op;
            }
        }
        return n == 0 ? NONE : Arrays.copyOf(out, n);
    }

    private static int[] distinctSorted(int[] ops) {
        if (ops.length == 0) {
            return NONE;
        }
        int[] s = ops.clone();
        Arrays.sort(s);
        int n = 1;
        for (int i = 1; i < s.length; i++) {
            if (s[i] != s[n - 1]) {
                s[n++] = s[i];
            }
        }
        return n == s.length ? s : Arrays.copyOf(s, n);
    }
}
