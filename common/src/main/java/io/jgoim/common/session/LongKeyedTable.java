package io.jgoim.common.session;

import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A hash table of values that carry their own long key (a member's routes carry its member id), for an index with an
 * entry per session: open addressing with linear probing over plain arrays, so no boxed key and no node per entry. A
 * {@code ConcurrentHashMap<Long, V>} entry costs 56 B under ZGC (node and {@code Long}) besides its table slot; here
 * an entry is its slot, 8 B, with the table kept at most three quarters full.
 *
 * <p>Thread-safe: the table is split into stripes by key hash, each guarded by its own monitor; {@link #compute}
 * replaces a value atomically, as {@code ConcurrentHashMap.compute} does. Values are not changed in place, and the
 * functions passed in must not call back into the table.
 */
final class LongKeyedTable<V> {
    // Few and small at first: every tenant view of the directory has a table of its own.
    private static final int STRIPES = 16;
    private static final int INITIAL_SLOTS = 4;

    private final ToLongFunction<V> keyOf;
    private final Stripe[] stripes = new Stripe[STRIPES];

    private static final class Stripe {
        Object[] slots = new Object[INITIAL_SLOTS];
        int size;
    }

    /** @param keyOf the key a value carries; a value's key never changes */
    LongKeyedTable(ToLongFunction<V> keyOf) {
        this.keyOf = keyOf;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** The value with {@code key}, or null. */
    V get(long key) {
        long h = mix(key);
        Stripe s = stripes[(int) h & (STRIPES - 1)];
        synchronized (s) {
            int i = find(s.slots, key, h);
            return i >= 0 ? value(s.slots[i]) : null;
        }
    }

    /**
     * Replaces the value with {@code key} (null when absent) by {@code update}'s answer, atomically: null removes it;
     * a value returned must carry {@code key}.
     */
    void compute(long key, UnaryOperator<V> update) {
        long h = mix(key);
        Stripe s = stripes[(int) h & (STRIPES - 1)];
        synchronized (s) {
            Object[] t = s.slots;
            int i = find(t, key, h);
            V old = i >= 0 ? value(t[i]) : null;
            V now = update.apply(old);
            if (now == old) {
                return;
            }
            if (now == null) {
                delete(t, i);
                s.size--;
            } else if (i >= 0) {
                t[i] = now;
            } else {
                if ((s.size + 1) * 4 > t.length * 3) {
                    t = grow(s);
                    i = find(t, key, h);
                }
                t[~i] = now;
                s.size++;
            }
        }
    }

    /** Passes every value through {@code update}, one stripe at a time: its answer replaces it, null removes it. */
    void replaceAll(UnaryOperator<V> update) {
        for (Stripe s : stripes) {
            synchronized (s) {
                Object[] t = s.slots;
                int removed = 0;
                for (int i = 0; i < t.length; i++) {
                    if (t[i] != null) {
                        t[i] = update.apply(value(t[i]));
                        removed += t[i] == null ? 1 : 0;
                    }
                }
                if (removed > 0) {
                    // Emptied slots may sit inside probe runs: the stripe is laid out again.
                    s.slots = rehash(t, t.length);
                    s.size -= removed;
                }
            }
        }
    }

    /** Values held. */
    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }

    /** The slot holding {@code key}, or {@code ~slot} of the empty slot where it would go. */
    private int find(Object[] t, long key, long h) {
        int mask = t.length - 1;
        for (int i = home(h, mask); ; i = (i + 1) & mask) {
            Object v = t[i];
            if (v == null) {
                return ~i;
            }
            if (keyOf.applyAsLong(value(v)) == key) {
                return i;
            }
        }
    }

    /** Empties slot {@code i}, moving later entries of its probe run back so that none is cut off from its home. */
    private void delete(Object[] t, int i) {
        int mask = t.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
            int home = home(mix(keyOf.applyAsLong(value(t[j]))), mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = null;
    }

    private Object[] grow(Stripe s) {
        s.slots = rehash(s.slots, s.slots.length << 1);
        return s.slots;
    }

    private Object[] rehash(Object[] old, int length) {
        Object[] t = new Object[length];
        int mask = length - 1;
        for (Object v : old) {
            if (v != null) {
                int i = home(mix(keyOf.applyAsLong(value(v))), mask);
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = v;
            }
        }
        return t;
    }

    /** The slot a key's probe starts at: hash bits other than the stripe's. */
    private static int home(long h, int mask) {
        return (int) (h >>> 32) & mask;
    }

    /** A 64-bit finalizer (MurmurHash3's fmix64): member ids are often sequential. */
    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    @SuppressWarnings("unchecked")
    private static <V> V value(Object v) {
        return (V) v;
    }
}
