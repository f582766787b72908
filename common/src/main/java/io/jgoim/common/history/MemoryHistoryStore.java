package io.jgoim.common.history;

import io.jgoim.protocol.JgoimException;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory {@link HistoryStore} (standalone, and the twin cluster tests hold to the same contract). Epochs are
 * made from the wall clock when a stream starts (a process restart therefore starts every stream under a new epoch),
 * and an idle stream is dropped {@code ttl} after its last append, like a Redis key that expired: a stream is checked
 * when touched, and at most every {@link #SWEEP_EVERY_MILLIS} an append sweeps out every expired stream (so the
 * streams of members who never come back do not stay in memory). Each stream is guarded by its own lock; calls
 * complete before they return. Thread-safe.
 */
public final class MemoryHistoryStore implements HistoryStore {
    static final long SWEEP_EVERY_MILLIS = 10_000;
    private static final AtomicLong LAST_EPOCH = new AtomicLong();

    private final Clock clock;
    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMillis;

    public MemoryHistoryStore() {
        this(Clock.systemUTC());
    }

    public MemoryHistoryStore(Clock clock) {
        this.clock = clock;
        this.nextSweepMillis = new AtomicLong(clock.millis() + SWEEP_EVERY_MILLIS);
    }

    /** One stream: its epoch, last offset, retained entries (oldest first) and the dedupe ids it remembers. */
    private static final class Stream {
        final long epoch = newEpoch();
        long top;
        long expiresAtMillis = Long.MAX_VALUE; // set by the first append
        /** Expired and removed from the map: an append that raced the removal must start a new stream. */
        boolean dead;
        final ArrayDeque<byte[]> entries = new ArrayDeque<>();
        final Map<String, Long> dedupe = new HashMap<>();
        final ArrayDeque<String> dedupeOrder = new ArrayDeque<>();

        long first() {
            return top - entries.size() + 1;
        }

        /** Called holding the stream's lock. */
        boolean live(long now) {
            return !dead && expiresAtMillis > now;
        }
    }

    /** Microseconds since the epoch, strictly increasing within this process. */
    private static long newEpoch() {
        long now = System.currentTimeMillis() * 1000;
        return LAST_EPOCH.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention) {
        JgoimException bad = HistoryArgs.appendError(stream, entries, dedupeIds, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        long now = clock.millis();
        sweepIfDue(now);
        while (true) {
            Stream s = streams.computeIfAbsent(stream, n -> new Stream());
            synchronized (s) {
                if (!s.live(now)) {
                    drop(stream, s);
                    continue;
                }
                return CompletableFuture.completedFuture(append(s, entries, dedupeIds, retention, now));
            }
        }
    }

    /** Called holding the stream's lock. */
    private static Appended append(Stream s, List<byte[]> entries, List<String> dedupeIds, Retention retention,
                                   long now) {
        long[] offsets = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            String id = dedupeIds == null ? null : dedupeIds.get(i);
            Long seen = id == null ? null : s.dedupe.get(id);
            if (seen != null) {
                offsets[i] = seen;
                continue;
            }
            offsets[i] = ++s.top;
            s.entries.addLast(entries.get(i));
            while (s.entries.size() > retention.size()) {
                s.entries.pollFirst();
            }
            if (id != null) {
                s.dedupe.put(id, offsets[i]);
                s.dedupeOrder.addLast(id);
                while (s.dedupeOrder.size() > retention.size()) {
                    s.dedupe.remove(s.dedupeOrder.pollFirst());
                }
            }
        }
        s.expiresAtMillis = now + retention.ttl().toMillis();
        return new Appended(s.epoch, offsets);
    }

    @Override
    public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
        JgoimException bad = HistoryArgs.readError(stream, since, limit);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        Stream s = streams.get(stream);
        if (s != null) {
            synchronized (s) {
                if (s.live(clock.millis())) {
                    return CompletableFuture.completedFuture(read(s, since, limit, last));
                }
            }
        }
        return CompletableFuture.completedFuture(new Slice(0, 0, 1, List.of(), since == 0 || last));
    }

    /** Called holding the stream's lock. */
    private static Slice read(Stream s, long since, int limit, boolean last) {
        long first = s.first();
        boolean complete = last || since >= first - 1 || since >= s.top;
        long after = Math.min(since, s.top); // a since far ahead must not overflow since + 1
        long from = last ? Math.max(first, s.top - limit + 1) : Math.max(first, after + 1);
        long to = Math.min(s.top, from + limit - 1);
        List<byte[]> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        Iterator<byte[]> it = s.entries.iterator();
        for (long off = first; it.hasNext() && off <= to; off++) {
            byte[] e = it.next();
            if (off >= from) {
                out.add(e);
            }
        }
        return new Slice(s.epoch, s.top, from, out, complete);
    }

    /** Drops every expired stream, at most once per {@link #SWEEP_EVERY_MILLIS} (by whichever append gets there). */
    private void sweepIfDue(long now) {
        long due = nextSweepMillis.get();
        if (now < due || !nextSweepMillis.compareAndSet(due, now + SWEEP_EVERY_MILLIS)) {
            return;
        }
        for (Map.Entry<String, Stream> e : streams.entrySet()) {
            Stream s = e.getValue();
            synchronized (s) {
                if (!s.live(now)) {
                    drop(e.getKey(), s);
                }
            }
        }
    }

    /** Called holding the stream's lock. */
    private void drop(String name, Stream s) {
        s.dead = true;
        streams.remove(name, s);
    }

    /** Streams held (expired ones are dropped when next touched or by the next sweep). */
    public int streams() {
        return streams.size();
    }

    @Override
    public void close() {
        streams.clear();
    }
}
