package io.jgoim.comet.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One bucket's sessions by key: an open-addressing table (linear probing) of {@link Session} references, the key
 * being the session's own. A {@code ConcurrentHashMap} spends a 40-byte node per entry under ZGC besides its table
 * slot; this table holds the reference alone, at most 3/4 full: 11 to 21 bytes per session.
 *
 * <p>Threading: {@link #get} is lock-free from any thread (acquire reads of the slots of the table it finds
 * published). Writers ({@link #put}, {@link #remove}) hold this object's monitor. A removal leaves a tombstone, so
 * no entry ever moves within a published table and a reader probing it cannot miss one that stays; a writer that
 * finds the table too full (entries plus tombstones) copies the live entries into a new table and publishes it, and
 * a reader still on the old one sees it as it was at the copy (a get racing a put may or may not see it, as with
 * any concurrent map).
 */
final class SessionTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    /** Left where a session was removed: probing goes on past it; an insert may reuse it. */
    private static final Object REMOVED = new Object();

    private final int initialLength;
    /** Null until the first put; the length is a power of two and at least one slot is always null. */
    private volatile Object[] slots;
    /** Live entries; written under the monitor. */
    private volatile int size;
    /** Live entries plus tombstones in {@link #slots}; guarded by the monitor. */
    private int used;

    /** @param initialSessions sessions the first table holds without growing */
    SessionTable(int initialSessions) {
        long want = Math.min(1 << 30, Math.max(4L, Math.max(1, initialSessions) * 4L / 3 + 1));
        this.initialLength = Integer.highestOneBit((int) want - 1) << 1;
    }

    /** The session under {@code key}, or null. Any thread. */
    Session get(String key) {
        Object[] t = slots;
        if (t == null) {
            return null;
        }
        int mask = t.length - 1;
        for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object o = SLOT.getAcquire(t, i);
            if (o == null) {
                return null;
            }
            if (o != REMOVED && ((Session) o).key().equals(key)) {
                return (Session) o;
            }
        }
    }

    /** Puts {@code s} under its key; returns the session it replaced, or null. */
    synchronized Session put(Session s) {
        Object[] t = slots;
        if (t == null) {
            t = new Object[initialLength];
            slots = t;
        }
        String key = s.key();
        int mask = t.length - 1;
        int reuse = -1;
        int i = spread(key.hashCode()) & mask;
        for (Object o; (o = t[i]) != null; i = (i + 1) & mask) {
            if (o == REMOVED) {
                if (reuse < 0) {
                    reuse = i;
                }
            } else if (((Session) o).key().equals(key)) {
                SLOT.setRelease(t, i, s);
                return (Session) o;
            }
        }
        if (reuse >= 0) {
            SLOT.setRelease(t, reuse, s);
        } else {
            SLOT.setRelease(t, i, s);
            used++;
        }
        size = size + 1;
        if (used > t.length - (t.length >>> 2)) {
            rehash(t);
        }
        return null;
    }

    /** Removes {@code s} only if the table still holds this very session under its key; true when it did. */
    synchronized boolean remove(Session s) {
        Object[] t = slots;
        if (t == null) {
            return false;
        }
        String key = s.key();
        int mask = t.length - 1;
        for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object o = t[i];
            if (o == null) {
                return false;
            }
            if (o == s) {
                SLOT.setRelease(t, i, REMOVED);
                size = size - 1;
                return true;
            }
            if (o != REMOVED && ((Session) o).key().equals(key)) {
                return false;
            }
        }
    }

    /** Live sessions (exact under the monitor; a racy read otherwise). */
    int size() {
        return size;
    }

    /** Copies the live entries into a table sized for them (at most 3/8 full, never below the initial length). */
    private void rehash(Object[] old) {
        int live = size;
        Object[] t = new Object[Math.max(initialLength, lengthFor(live))];
        int mask = t.length - 1;
        for (Object o : old) {
            if (o != null && o != REMOVED) {
                int i = spread(((Session) o).key().hashCode()) & mask;
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = o;
            }
        }
        used = live;
        slots = t;
    }

    /** The smallest power-of-two length that holds {@code entries} at most 3/8 full. */
    private static int lengthFor(int entries) {
        long want = Math.max(4L, (entries * 8L + 2) / 3);
        if (want >= (1 << 30)) {
            return 1 << 30;
        }
        return Integer.highestOneBit((int) want - 1) << 1;
    }

    /**
     * Mixes every bit of the hash into the low ones the mask keeps: the bucket was chosen by the low bits of
     * {@code h ^ (h >>> 16)}, which all keys of this table share.
     */
    private static int spread(int h) {
        int m = h * 0x9E3779B9;
        return m ^ (m >>> 16);
    }
}
