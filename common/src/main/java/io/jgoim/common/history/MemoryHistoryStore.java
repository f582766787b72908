package io.jgoim.common.history;

import io.jgoim.protocol.JgoimException;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory {@link HistoryStore} (standalone, and the twin cluster tests hold to the same contract). Epochs are
 * made from the wall clock when a stream starts (a process restart therefore starts every stream under a new epoch),
 * and an idle stream's entries are dropped {@code ttl} after its last append, like a Redis key that expired; its
 * devices live {@code ttl} after one was last seen, as the Redis devices key does. A stream is checked when touched,
 * and at most every {@link #SWEEP_EVERY_MILLIS} a call sweeps out every expired stream (so the streams of members
 * who never come back do not stay in memory). This class holds the streams, their locking and the sweep; one
 * stream's entries, pins and reads are {@link MemoryStream}'s, its devices {@link MemoryDevices}'. Each stream is
 * guarded by its own lock; calls complete before they return. Thread-safe.
 */
public final class MemoryHistoryStore implements HistoryStore {
    static final long SWEEP_EVERY_MILLIS = 10_000;

    private final Clock clock;
    private final ConcurrentHashMap<String, MemoryStream> streams = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMillis;

    public MemoryHistoryStore() {
        this(Clock.systemUTC());
    }

    public MemoryHistoryStore(Clock clock) {
        this.clock = clock;
        this.nextSweepMillis = new AtomicLong(clock.millis() + SWEEP_EVERY_MILLIS);
    }

    /** The work of one call on a stream, done holding its lock. */
    @FunctionalInterface
    private interface Locked<T> {
        T apply(MemoryStream s, long now);
    }

    /** Runs {@code work} on {@code stream} (made if absent), holding its lock; a stream that expired starts again. */
    private <T> T onStream(String stream, Locked<T> work) {
        long now = clock.millis();
        sweepIfDue(now);
        while (true) {
            MemoryStream s = streams.computeIfAbsent(stream, n -> new MemoryStream());
            synchronized (s) {
                if (!s.live(now)) {
                    drop(stream, s);
                    continue;
                }
                T out = work.apply(s, now);
                s.used();
                if (!s.live(now)) {
                    drop(stream, s);
                }
                return out;
            }
        }
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned) {
        return append(stream, entries, dedupeIds, retention, pinned, null);
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned, String audience) {
        JgoimException bad = HistoryArgs.appendError(stream, entries, dedupeIds, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        return CompletableFuture.completedFuture(onStream(stream,
                (s, now) -> s.append(entries, dedupeIds, retention, pinned, audience, now)));
    }

    @Override
    public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                  Retention retention) {
        JgoimException bad = HistoryArgs.ackError(stream, deviceKey, epoch, offset, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        return CompletableFuture.completedFuture(onStream(stream,
                (s, now) -> s.acknowledge(deviceKey, epoch, offset, retention, now)));
    }

    @Override
    public CompletableFuture<Devices> devices(String stream, Retention retention) {
        JgoimException bad = HistoryArgs.devicesError(stream, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        MemoryStream s = streams.get(stream);
        if (s != null) {
            synchronized (s) {
                long now = clock.millis();
                if (s.live(now)) {
                    return CompletableFuture.completedFuture(s.devices(retention, now));
                }
            }
        }
        return CompletableFuture.completedFuture(new Devices(0, 0, List.of()));
    }

    @Override
    public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
        JgoimException bad = HistoryArgs.readError(stream, since, limit);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        MemoryStream s = streams.get(stream);
        if (s != null) {
            synchronized (s) {
                if (s.hasData(clock.millis())) {
                    return CompletableFuture.completedFuture(s.read(since, limit, last));
                }
            }
        }
        return CompletableFuture.completedFuture(new Slice(0, 0, 1, List.of(), since == 0 || last));
    }

    /** Drops every expired stream, at most once per {@link #SWEEP_EVERY_MILLIS} (by whichever call gets there). */
    private void sweepIfDue(long now) {
        long due = nextSweepMillis.get();
        if (now < due || !nextSweepMillis.compareAndSet(due, now + SWEEP_EVERY_MILLIS)) {
            return;
        }
        for (Map.Entry<String, MemoryStream> e : streams.entrySet()) {
            MemoryStream s = e.getValue();
            synchronized (s) {
                if (!s.live(now)) {
                    drop(e.getKey(), s);
                }
            }
        }
    }

    /** Called holding the stream's lock. */
    private void drop(String name, MemoryStream s) {
        s.kill();
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
