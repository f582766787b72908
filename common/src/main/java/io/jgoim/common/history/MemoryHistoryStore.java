package io.jgoim.common.history;

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
 * and an idle stream is dropped {@code ttl} after its last append, like a Redis key that expired. Each stream is
 * guarded by its own lock; calls complete before they return. Thread-safe.
 */
public final class MemoryHistoryStore implements HistoryStore {
    private static final AtomicLong LAST_EPOCH = new AtomicLong();

    private final Clock clock;
    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();

    public MemoryHistoryStore() {
        this(Clock.systemUTC());
    }

    public MemoryHistoryStore(Clock clock) {
        this.clock = clock;
    }

    /** One stream: its epoch, last offset, retained entries (oldest first) and the dedupe ids it remembers. */
    private static final class Stream {
        final long epoch = newEpoch();
        long top;
        long expiresAtMillis = Long.MAX_VALUE; // set by the first append
        final ArrayDeque<byte[]> entries = new ArrayDeque<>();
        final Map<String, Long> dedupe = new HashMap<>();
        final ArrayDeque<String> dedupeOrder = new ArrayDeque<>();

        long first() {
            return top - entries.size() + 1;
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
        long now = clock.millis();
        long[] offsets = new long[entries.size()];
        Stream s = live(stream, now, true);
        synchronized (s) {
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
            return CompletableFuture.completedFuture(new Appended(s.epoch, offsets));
        }
    }

    @Override
    public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
        Stream s = live(stream, clock.millis(), false);
        if (s == null) {
            return CompletableFuture.completedFuture(new Slice(0, 0, 1, List.of(), since == 0 || last));
        }
        synchronized (s) {
            long first = s.first();
            long from = last ? Math.max(first, s.top - limit + 1) : Math.max(first, since + 1);
            long to = Math.min(s.top, from + Math.max(0, limit) - 1);
            List<byte[]> out = new ArrayList<>((int) Math.max(0, to - from + 1));
            Iterator<byte[]> it = s.entries.iterator();
            for (long off = first; it.hasNext() && off <= to; off++) {
                byte[] e = it.next();
                if (off >= from) {
                    out.add(e);
                }
            }
            boolean complete = last || since + 1 >= first || since >= s.top;
            return CompletableFuture.completedFuture(new Slice(s.epoch, s.top, from, out, complete));
        }
    }

    /** The live stream of {@code name}, dropping it first when it expired; created when {@code create}. */
    private Stream live(String name, long now, boolean create) {
        Stream s = streams.get(name);
        if (s != null) {
            synchronized (s) {
                if (s.expiresAtMillis > now) {
                    return s;
                }
            }
            streams.remove(name, s);
        }
        return create ? streams.computeIfAbsent(name, n -> new Stream()) : null;
    }

    /** Streams held (expired ones are dropped when next touched). */
    public int streams() {
        return streams.size();
    }

    @Override
    public void close() {
        streams.clear();
    }
}
