package io.jgoim.comet.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Per-address state of the connect limits, in a fixed-size table of primitive arrays: open connections, the
 * connect-rate and failure-rate {@link Gcra} states, and the ban. An address hashes (with a per-table random seed)
 * to one of 64 segments, each under its own lock, and to a window of {@link #PROBE} slots in it; an address not in
 * its window takes an empty slot, or evicts the idle entry there (no open connection, no ban) that was seen least
 * recently. So memory is fixed and a spray of source addresses cannot grow it; an address that finds no slot is
 * admitted untracked ({@link #UNTRACKED}). An entry with open connections never moves, so its slot index is a
 * stable handle for {@link #release} and {@link #strike} until its last connection is released.
 *
 * <p>Thread-safe: every method locks the one segment it touches. Decisions allocate nothing.
 */
public final class IpTable {
    /** {@link #admit}: admitted, but the table had no slot for the address (not counted per address). */
    public static final int UNTRACKED = -1;
    /** {@link #admit}: refused, the address is banned. */
    public static final int BANNED = -2;
    /** {@link #admit}: refused, the address has {@code maxConnections} open. */
    public static final int TOO_MANY_CONNECTIONS = -3;
    /** {@link #admit}: refused, the address connects faster than its rate. */
    public static final int RATE_LIMITED = -4;

    static final int SEGMENTS = 64;
    static final int PROBE = 16;

    private final int segmentBits;
    private final int segmentMask;
    private final long seed = ThreadLocalRandom.current().nextLong() | 1;
    private final Object[] locks = new Object[SEGMENTS];
    private final int maxConnections;
    private final long connectInterval;
    private final long connectTolerance;
    private final long strikeInterval;
    private final long strikeTolerance;
    private final long banNanos;

    private final long[] keyHi;
    private final long[] keyLo;
    private final int[] conns;
    private final long[] connectTat;
    private final long[] strikeTat;
    private final int[] strikes;
    private final long[] lastSeen;
    private final long[] bannedUntil;
    private final byte[] banReason;
    private final int[] refused;

    /**
     * @param capacity         slots (rounded up to a power of two, at least {@code SEGMENTS * PROBE})
     * @param maxConnections   open connections per address (0 = no limit)
     * @param connectRate      connects per second per address (0 = no limit)
     * @param connectBurst     connects at once above the rate
     * @param strikesPerMinute failed handshakes a minute before a ban (0 = no bans)
     * @param banNanos         how long a ban lasts
     */
    public IpTable(int capacity, int maxConnections, int connectRate, int connectBurst, int strikesPerMinute,
                   long banNanos) {
        int cap = Integer.highestOneBit(Math.max(capacity, SEGMENTS * PROBE) - 1) << 1;
        int perSegment = cap / SEGMENTS;
        this.segmentBits = Integer.numberOfTrailingZeros(perSegment);
        this.segmentMask = perSegment - 1;
        for (int i = 0; i < SEGMENTS; i++) {
            locks[i] = new Object();
        }
        this.maxConnections = maxConnections;
        this.connectInterval = Gcra.interval(connectRate);
        this.connectTolerance = Gcra.tolerance(connectInterval, connectBurst);
        this.strikeInterval = strikesPerMinute <= 0 ? 0 : 60_000_000_000L / strikesPerMinute;
        this.strikeTolerance = Gcra.tolerance(strikeInterval, strikesPerMinute);
        this.banNanos = banNanos;
        keyHi = new long[cap];
        keyLo = new long[cap];
        conns = new int[cap];
        connectTat = new long[cap];
        strikeTat = new long[cap];
        strikes = new int[cap];
        lastSeen = new long[cap];
        bannedUntil = new long[cap];
        banReason = new byte[cap];
        refused = new int[cap];
    }

    /** Slots in the table. */
    public int capacity() {
        return keyHi.length;
    }

    /**
     * Admits one connection from the address {@code (hi, lo)} ({@link IpKey}) at {@code now}: its slot (>= 0, to
     * {@link #release} when the connection ends), {@link #UNTRACKED}, or a refusal ({@link #BANNED},
     * {@link #TOO_MANY_CONNECTIONS}, {@link #RATE_LIMITED}; nothing to release).
     */
    public int admit(long hi, long lo, long now) {
        long h = hash(hi, lo);
        int seg = (int) (h >>> 58);
        synchronized (locks[seg]) {
            int slot = find(seg, h, hi, lo);
            if (slot < 0) {
                slot = claim(seg, h, hi, lo, now);
                if (slot < 0) {
                    return UNTRACKED;
                }
            }
            lastSeen[slot] = now;
            if (isBanned(slot, now)) {
                refused[slot]++;
                return BANNED;
            }
            if (maxConnections > 0 && conns[slot] >= maxConnections) {
                return TOO_MANY_CONNECTIONS;
            }
            if (connectInterval > 0) {
                long next = Gcra.next(connectTat[slot], now, connectInterval, connectTolerance);
                if (next == Gcra.REFUSED) {
                    return RATE_LIMITED;
                }
                connectTat[slot] = next;
            }
            conns[slot]++;
            return slot;
        }
    }

    /** The connection admitted into {@code slot} ended. */
    public void release(int slot) {
        synchronized (locks[slot >>> segmentBits]) {
            if (conns[slot] > 0) {
                conns[slot]--;
            }
        }
    }

    /**
     * A connection of {@code slot} (still open: its slot is stable) failed its handshake; true when this failure
     * banned the address.
     */
    public boolean strike(int slot, BanReason reason, long now) {
        if (strikeInterval == 0) {
            return false;
        }
        synchronized (locks[slot >>> segmentBits]) {
            strikes[slot]++;
            if (isBanned(slot, now)) {
                return false;
            }
            long next = Gcra.next(strikeTat[slot], now, strikeInterval, strikeTolerance);
            if (next != Gcra.REFUSED) {
                strikeTat[slot] = next;
                return false;
            }
            banReason[slot] = (byte) (reason.ordinal() + 1);
            bannedUntil[slot] = now + banNanos;
            strikeTat[slot] = now;
            refused[slot] = 0;
            return true;
        }
    }

    /** True while the address of {@code slot} is banned. */
    public boolean banned(int slot, long now) {
        synchronized (locks[slot >>> segmentBits]) {
            return isBanned(slot, now);
        }
    }

    /** Open connections counted for the address {@code (hi, lo)} (0 when not tracked). */
    public int connections(long hi, long lo) {
        long h = hash(hi, lo);
        int seg = (int) (h >>> 58);
        synchronized (locks[seg]) {
            int slot = find(seg, h, hi, lo);
            return slot < 0 ? 0 : conns[slot];
        }
    }

    /** Failed handshakes counted for the address {@code (hi, lo)} since it entered the table (0 when not tracked). */
    public int failures(long hi, long lo) {
        long h = hash(hi, lo);
        int seg = (int) (h >>> 58);
        synchronized (locks[seg]) {
            int slot = find(seg, h, hi, lo);
            return slot < 0 ? 0 : strikes[slot];
        }
    }

    /** Lifts the ban of {@code (hi, lo)} and forgets its failures; false when it was not banned. */
    public boolean lift(long hi, long lo, long now) {
        long h = hash(hi, lo);
        int seg = (int) (h >>> 58);
        synchronized (locks[seg]) {
            int slot = find(seg, h, hi, lo);
            if (slot < 0 || !isBanned(slot, now)) {
                return false;
            }
            banReason[slot] = 0;
            strikeTat[slot] = now;
            strikes[slot] = 0;
            return true;
        }
    }

    /** Addresses banned at {@code now} (scans the table; for the admin API and the gauge, not per connection). */
    public List<Ban> bans(long now, long wallNowMillis) {
        List<Ban> out = new ArrayList<>();
        for (int seg = 0; seg < SEGMENTS; seg++) {
            synchronized (locks[seg]) {
                int base = seg << segmentBits;
                for (int i = base; i <= base + segmentMask; i++) {
                    if (isBanned(i, now)) {
                        long untilMs = wallNowMillis + (bannedUntil[i] - now) / 1_000_000L;
                        out.add(new Ban(IpKey.format(keyHi[i], keyLo[i]), BanReason.values()[banReason[i] - 1],
                                java.time.Instant.ofEpochMilli(untilMs), strikes[i], refused[i]));
                    }
                }
            }
        }
        return out;
    }

    /** How many addresses are banned at {@code now} (scans the table). */
    public int bannedCount(long now) {
        int n = 0;
        for (int seg = 0; seg < SEGMENTS; seg++) {
            synchronized (locks[seg]) {
                int base = seg << segmentBits;
                for (int i = base; i <= base + segmentMask; i++) {
                    if (isBanned(i, now)) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private boolean isBanned(int slot, long now) {
        if (banReason[slot] == 0) {
            return false;
        }
        if (bannedUntil[slot] - now > 0) {
            return true;
        }
        banReason[slot] = 0;
        return false;
    }

    private int find(int seg, long h, long hi, long lo) {
        int base = seg << segmentBits;
        int start = (int) h & segmentMask;
        int probe = Math.min(PROBE, segmentMask + 1);
        for (int k = 0; k < probe; k++) {
            int i = base + ((start + k) & segmentMask);
            if (keyLo[i] == lo && keyHi[i] == hi && (lo | hi) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** An empty slot, else the idle one seen least recently, in the key's window; -1 when every one is busy. */
    private int claim(int seg, long h, long hi, long lo, long now) {
        int base = seg << segmentBits;
        int start = (int) h & segmentMask;
        int probe = Math.min(PROBE, segmentMask + 1);
        int victim = -1;
        for (int k = 0; k < probe; k++) {
            int i = base + ((start + k) & segmentMask);
            if ((keyLo[i] | keyHi[i]) == 0) {
                victim = i;
                break;
            }
            if (conns[i] == 0 && !isBanned(i, now) && (victim < 0 || lastSeen[i] - lastSeen[victim] < 0)) {
                victim = i;
            }
        }
        if (victim >= 0) {
            keyHi[victim] = hi;
            keyLo[victim] = lo;
            conns[victim] = 0;
            connectTat[victim] = now;
            strikeTat[victim] = now;
            strikes[victim] = 0;
            banReason[victim] = 0;
            refused[victim] = 0;
        }
        return victim;
    }

    private long hash(long hi, long lo) {
        long x = (hi * 0x9E3779B97F4A7C15L + lo) ^ seed;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}
