package io.jgoim.common.history;

import io.jgoim.protocol.JgoimException;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
 * and an idle stream's entries are dropped {@code ttl} after its last append, like a Redis key that expired; its
 * devices live {@code ttl} after one was last seen, as the Redis devices key does. A stream is checked when touched,
 * and at most every {@link #SWEEP_EVERY_MILLIS} a call sweeps out every expired stream (so the streams of members
 * who never come back do not stay in memory). Each stream is guarded by its own lock; calls complete before they
 * return. Thread-safe.
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

    /** One device: when it was last seen and the position it acknowledged. */
    private static final class DeviceState {
        long seenMillis;
        long epoch;
        long offset;
    }

    /**
     * One stream: its epoch (0 while it has no entries), last offset, retained entries (oldest first), the dedupe ids
     * it remembers, its live pins ({offset, pinned at}, oldest first) and its devices.
     */
    private static final class Stream {
        long epoch;
        long top;
        long expiresAtMillis;
        long devicesExpireAtMillis;
        /** Just made by a call that has not finished with it yet: live whatever its times say. */
        boolean fresh = true;
        /** Expired and removed from the map: a call that raced the removal must start a new stream. */
        boolean dead;
        final ArrayDeque<byte[]> entries = new ArrayDeque<>();
        /** offset → audience of the retained entries that have one. */
        final Map<Long, String> audiences = new HashMap<>();
        final Map<String, Long> dedupe = new HashMap<>();
        final ArrayDeque<String> dedupeOrder = new ArrayDeque<>();
        final ArrayDeque<long[]> pins = new ArrayDeque<>();
        final Map<String, DeviceState> devices = new HashMap<>();

        long first() {
            return top - entries.size() + 1;
        }

        /** Called holding the stream's lock: the entries (epoch, offsets) are still alive. */
        boolean hasData(long now) {
            return !dead && epoch != 0 && expiresAtMillis > now;
        }

        /** Called holding the stream's lock. */
        boolean live(long now) {
            return !dead && (fresh || hasData(now) || devicesExpireAtMillis > now);
        }

        /** Called holding the stream's lock: the entries expired (the devices stay). */
        void resetData() {
            epoch = 0;
            top = 0;
            entries.clear();
            audiences.clear();
            dedupe.clear();
            dedupeOrder.clear();
            pins.clear();
        }
    }

    /** Microseconds since the epoch, strictly increasing within this process. */
    private static long newEpoch() {
        long now = System.currentTimeMillis() * 1000;
        return LAST_EPOCH.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    /** The work of one call on a stream, done holding its lock. */
    @FunctionalInterface
    private interface Locked<T> {
        T apply(Stream s, long now);
    }

    /** Runs {@code work} on {@code stream} (made if absent), holding its lock; a stream that expired starts again. */
    private <T> T onStream(String stream, Locked<T> work) {
        long now = clock.millis();
        sweepIfDue(now);
        while (true) {
            Stream s = streams.computeIfAbsent(stream, n -> new Stream());
            synchronized (s) {
                if (!s.live(now)) {
                    drop(stream, s);
                    continue;
                }
                T out = work.apply(s, now);
                s.fresh = false;
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
                (s, now) -> append(s, entries, dedupeIds, retention, pinned, audience, now)));
    }

    /** Called holding the stream's lock. */
    private static Appended append(Stream s, List<byte[]> entries, List<String> dedupeIds, Retention retention,
                                   boolean pinned, String audience, long now) {
        if (!s.hasData(now)) {
            s.resetData();
            s.epoch = newEpoch();
        }
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
            if (audience != null) {
                s.audiences.put(s.top, audience);
            }
            if (pinned) {
                s.pins.addLast(new long[] {s.top, now});
            }
            if (id != null) {
                s.dedupe.put(id, offsets[i]);
                s.dedupeOrder.addLast(id);
                while (s.dedupeOrder.size() > retention.size()) {
                    s.dedupe.remove(s.dedupeOrder.pollFirst());
                }
            }
        }
        settle(s, retention, now);
        s.expiresAtMillis = now + retention.ttl().toMillis();
        return new Appended(s.epoch, offsets);
    }

    @Override
    public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                  Retention retention) {
        JgoimException bad = HistoryArgs.ackError(stream, deviceKey, epoch, offset, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        return CompletableFuture.completedFuture(onStream(stream, (s, now) -> {
            long ttl = retention.ttl().toMillis();
            DeviceState d = s.devices.get(deviceKey);
            if (d == null) {
                liveDevices(s, ttl, now);
                if (s.devices.size() >= MAX_DEVICES) {
                    s.devices.values().stream().min(Comparator.comparingLong(x -> x.seenMillis))
                            .ifPresent(stalest -> s.devices.values().remove(stalest));
                }
                d = new DeviceState();
                s.devices.put(deviceKey, d);
            }
            d.seenMillis = now;
            s.devicesExpireAtMillis = now + ttl;
            boolean data = s.hasData(now);
            boolean taken = data && epoch == s.epoch && offset >= 1 && offset <= s.top;
            if (taken && (d.epoch != epoch || offset > d.offset)) {
                d.epoch = epoch;
                d.offset = offset;
            }
            if (data) {
                settle(s, retention, now);
            }
            return taken;
        }));
    }

    @Override
    public CompletableFuture<Devices> devices(String stream, Retention retention) {
        JgoimException bad = HistoryArgs.devicesError(stream, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        Stream s = streams.get(stream);
        if (s != null) {
            synchronized (s) {
                long now = clock.millis();
                if (s.live(now)) {
                    List<Device> out = new ArrayList<>();
                    liveDevices(s, retention.ttl().toMillis(), now);
                    s.devices.forEach((k, d) -> out.add(new Device(k, d.epoch, d.offset)));
                    out.sort(Comparator.comparing(Device::key));
                    boolean data = s.hasData(now);
                    return CompletableFuture.completedFuture(new Devices(data ? s.epoch : 0, data ? s.top : 0, out));
                }
            }
        }
        return CompletableFuture.completedFuture(new Devices(0, 0, List.of()));
    }

    /** Called holding the stream's lock: forgets the devices not seen within {@code ttl}. */
    private static void liveDevices(Stream s, long ttl, long now) {
        s.devices.values().removeIf(d -> d.seenMillis + ttl <= now);
    }

    /**
     * Called holding the stream's lock: releases the pins (oldest first: a later pin cannot be released before an
     * earlier one) that expired, that every live device acknowledged, or that lie beyond {@link #PIN_CAP_FACTOR} ×
     * size entries back, then trims the entries to {@code min(top - size + 1, oldest live pin)}.
     */
    private static void settle(Stream s, Retention retention, long now) {
        long ttl = retention.ttl().toMillis();
        long capFrom = s.top - (long) retention.size() * PIN_CAP_FACTOR + 1;
        if (!s.pins.isEmpty()) {
            liveDevices(s, ttl, now);
        }
        while (!s.pins.isEmpty()) {
            long[] pin = s.pins.peekFirst();
            if (pin[0] >= capFrom && pin[1] + ttl > now && !ackedByAll(s, pin[0])) {
                break;
            }
            s.pins.pollFirst();
        }
        long keepFrom = s.top - retention.size() + 1;
        if (!s.pins.isEmpty()) {
            keepFrom = Math.min(keepFrom, s.pins.peekFirst()[0]);
        }
        while (!s.entries.isEmpty() && s.first() < keepFrom) {
            s.audiences.remove(s.first());
            s.entries.pollFirst();
        }
    }

    private static boolean ackedByAll(Stream s, long offset) {
        for (DeviceState d : s.devices.values()) {
            if (d.epoch != s.epoch || d.offset < offset) {
                return false;
            }
        }
        return true;
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
                if (s.hasData(clock.millis())) {
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
        Map<Long, String> audiences = s.audiences.isEmpty() ? Map.of() : new HashMap<>();
        Iterator<byte[]> it = s.entries.iterator();
        for (long off = first; it.hasNext() && off <= to; off++) {
            byte[] e = it.next();
            if (off >= from) {
                out.add(e);
                String a = s.audiences.isEmpty() ? null : s.audiences.get(off);
                if (a != null) {
                    audiences.put(off, a);
                }
            }
        }
        return new Slice(s.epoch, s.top, from, out, complete, audiences);
    }

    /** Drops every expired stream, at most once per {@link #SWEEP_EVERY_MILLIS} (by whichever call gets there). */
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
