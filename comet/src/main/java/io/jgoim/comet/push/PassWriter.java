package io.jgoim.comet.push;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.metrics.CometMetrics;

import java.util.Arrays;
import java.util.List;

/**
 * Writes one target's share of a {@link LoopFanOut} pass: the pushes gathered for one room (or for broadcast) on one
 * loop are joined into as few writes as their streams allow ({@link PushFrame#isFollowedBy}, at most
 * {@value LoopFanOut#MAX_WRITE_BYTES} bytes each, one copy for the whole loop), each write goes to every member, then
 * every member is flushed once. Each push then reports the sessions its write reached to its job and is released.
 * Loop-confined; its arrays are reused by every pass.
 */
final class PassWriter {
    private final CometMetrics metrics;
    private PushFrame[] parts = new PushFrame[16];
    private PushFrame[] writes = new PushFrame[16];
    /** For each part, the index of the write that carries it. */
    private int[] writeOf = new int[16];
    /** Per write: the op its sessions must watch (a broadcast's), or -1 (a room's: every member). */
    private int[] writeOp = new int[16];
    private String[] writeTenant = new String[16];
    /** Per write: whether it is a copy joining several parts (released after the pass) or a part itself. */
    private boolean[] joined = new boolean[16];
    /** Per write: sessions written, sessions dropped. */
    private int[] counts = new int[32];
    private final int[] one = new int[2];

    PassWriter(CometMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Writes {@code entries} (one target's, in arrival order) to {@code members} (null: none on this loop); a
     * broadcast filters each write by its op, a room write goes to every member.
     */
    void write(MemberList members, List<LoopFanOut.Entry> entries, boolean broadcast) {
        int n = entries.size();
        ensure(n);
        for (int i = 0; i < n; i++) {
            parts[i] = entries.get(i).frame();
        }
        Arrays.fill(counts, 0, 2 * n, 0);
        Arrays.fill(writeOf, 0, n, 0);
        int w = 0;
        int messages = 0;
        try {
            w = join(entries, 0, n, broadcast);
            if (members != null && members.size() > 0) {
                boolean flush = false;
                int[] c = one;
                for (int k = 0; k < w; k++) {
                    c[0] = 0;
                    c[1] = 0;
                    flush |= RoomBroadcaster.writeAll(members, 0, members.size(), writes[k],
                            writeOp[k], c, writeTenant[k], w == 1);
                    counts[2 * k] = c[0];
                    counts[2 * k + 1] = c[1];
                    messages += writes[k].frameCount();
                }
                if (flush) {
                    RoomBroadcaster.flushAll(members, 0, members.size());
                }
                metrics.fanOutPass(messages, w);
            }
        } finally {
            for (int i = 0; i < n; i++) {
                LoopFanOut.Entry e = entries.get(i);
                int k = writeOf[i];
                e.frame().release();
                e.job().done(counts[2 * k], counts[2 * k + 1]);
                parts[i] = null;
            }
            for (int k = 0; k < w; k++) {
                if (joined[k]) {
                    writes[k].release();
                }
                writes[k] = null;
                writeTenant[k] = null;
            }
        }
    }

    /**
     * One chunk of a rolling pass ({@link RoomSweep}): writes {@code entries} [from, to) (one room's, in arrival
     * order) to {@code members} [first, last), then flushes those members; adds each entry's sessions written and
     * dropped to {@code perEntry} (2 ints per entry, at i * 2). Neither releases the entries' frames nor
     * completes their jobs: the sweep does once every member has them.
     */
    void writeChunk(MemberList members, int first, int last, List<LoopFanOut.Entry> entries, int from, int to,
                    int[] perEntry) {
        int n = to - from;
        ensure(n);
        for (int i = 0; i < n; i++) {
            parts[i] = entries.get(from + i).frame();
        }
        Arrays.fill(writeOf, 0, n, 0);
        int w = 0;
        try {
            w = join(entries, from, n, false);
            boolean flush = false;
            int messages = 0;
            int[] c = one;
            for (int k = 0; k < w; k++) {
                c[0] = 0;
                c[1] = 0;
                flush |= RoomBroadcaster.writeAll(members, first, last, writes[k], -1, c, null, w == 1);
                counts[2 * k] = c[0];
                counts[2 * k + 1] = c[1];
                messages += writes[k].frameCount();
            }
            if (flush) {
                RoomBroadcaster.flushAll(members, first, last);
            }
            metrics.fanOutPass(messages, w);
            for (int i = 0; i < n; i++) {
                int k = writeOf[i];
                perEntry[2 * (from + i)] += counts[2 * k];
                perEntry[2 * (from + i) + 1] += counts[2 * k + 1];
            }
        } finally {
            for (int i = 0; i < n; i++) {
                parts[i] = null;
            }
            for (int k = 0; k < w; k++) {
                if (joined[k]) {
                    writes[k].release();
                }
                writes[k] = null;
            }
        }
    }

    /**
     * Joins parts[0, n) into writes[0, w); returns w. A write of one part is that part itself (no copy). Broadcasts
     * join only when they filter by the same op and tenant.
     */
    private int join(List<LoopFanOut.Entry> entries, int base, int n, boolean broadcast) {
        int w = 0;
        int start = 0;
        int bytes = parts[0].size();
        for (int i = 1; i <= n; i++) {
            if (i < n && parts[i - 1].isFollowedBy(parts[i]) && bytes + parts[i].size() <= LoopFanOut.MAX_WRITE_BYTES
                    && (!broadcast || entries.get(base + i).op() == entries.get(base + i - 1).op()
                        && java.util.Objects.equals(entries.get(base + i).tenant(),
                            entries.get(base + i - 1).tenant()))) {
                bytes += parts[i].size();
                continue;
            }
            writeOp[w] = broadcast ? entries.get(base + start).op() : -1;
            writeTenant[w] = broadcast ? entries.get(base + start).tenant() : null;
            joined[w] = i - start > 1;
            writes[w] = joined[w] ? PushFrame.concat(parts, start, i) : parts[start];
            for (int j = start; j < i; j++) {
                writeOf[j] = w;
            }
            w++;
            start = i;
            if (i < n) {
                bytes = parts[i].size();
            }
        }
        return w;
    }

    private void ensure(int n) {
        if (parts.length < n) {
            int cap = Integer.highestOneBit(n) << 1;
            parts = new PushFrame[cap];
            writes = new PushFrame[cap];
            writeOf = new int[cap];
            joined = new boolean[cap];
            writeOp = new int[cap];
            writeTenant = new String[cap];
            counts = new int[2 * cap];
        }
    }
}
