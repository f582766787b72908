package io.jgoim.common.history;

import io.jgoim.common.history.HistoryStore.Appended;
import io.jgoim.common.history.HistoryStore.Devices;
import io.jgoim.common.history.HistoryStore.Slice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream of the {@link MemoryHistoryStore}: its epoch (0 while it has no entries), last offset, retained entries
 * (oldest first) with their audiences, the dedupe ids it remembers, its live pins ({offset, pinned at}, oldest
 * first) and its {@link MemoryDevices}. The entries live {@code ttl} after the last append. Not thread-safe: every
 * call holds the stream's lock (the store's {@code synchronized} on it).
 */
final class MemoryStream {
    private static final AtomicLong LAST_EPOCH = new AtomicLong();

    private long epoch;
    private long top;
    private long expiresAtMillis;
    /** Just made by a call that has not finished with it yet: live whatever its times say. */
    private boolean fresh = true;
    /** Expired and removed from the map: a call that raced the removal must start a new stream. */
    private boolean dead;
    private final ArrayDeque<byte[]> entries = new ArrayDeque<>();
    /** offset → audience of the retained entries that have one. */
    private final Map<Long, String> audiences = new HashMap<>();
    private final Map<String, Long> dedupe = new HashMap<>();
    private final ArrayDeque<String> dedupeOrder = new ArrayDeque<>();
    private final ArrayDeque<long[]> pins = new ArrayDeque<>();
    private final MemoryDevices devices = new MemoryDevices();

    /** Microseconds since the epoch, strictly increasing within this process. */
    private static long newEpoch() {
        long now = System.currentTimeMillis() * 1000;
        return LAST_EPOCH.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    private long first() {
        return top - entries.size() + 1;
    }

    /** The entries (epoch, offsets) are still alive. */
    boolean hasData(long now) {
        return !dead && epoch != 0 && expiresAtMillis > now;
    }

    /** The stream still holds entries or devices (or was just made). */
    boolean live(long now) {
        return !dead && (fresh || hasData(now) || devices.expireAtMillis() > now);
    }

    /** The call that made it is done with it: from now on its times say whether it is live. */
    void used() {
        fresh = false;
    }

    /** Removed from the store: a call that still holds it must start a new one. */
    void kill() {
        dead = true;
    }

    /** The entries expired (the devices stay). */
    private void resetData() {
        epoch = 0;
        top = 0;
        entries.clear();
        audiences.clear();
        dedupe.clear();
        dedupeOrder.clear();
        pins.clear();
    }

    /** Appends {@code batch} (a dedupe id seen before gets its first offset); a stream without data starts anew. */
    Appended append(List<byte[]> batch, List<String> dedupeIds, Retention retention, boolean pinned,
                    String audience, long now) {
        if (!hasData(now)) {
            resetData();
            epoch = newEpoch();
        }
        long[] offsets = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            String id = dedupeIds == null ? null : dedupeIds.get(i);
            Long seen = id == null ? null : dedupe.get(id);
            if (seen != null) {
                offsets[i] = seen;
                continue;
            }
            offsets[i] = ++top;
            entries.addLast(batch.get(i));
            if (audience != null) {
                audiences.put(top, audience);
            }
            if (pinned) {
                pins.addLast(new long[] {top, now});
            }
            if (id != null) {
                dedupe.put(id, offsets[i]);
                dedupeOrder.addLast(id);
                while (dedupeOrder.size() > retention.size()) {
                    dedupe.remove(dedupeOrder.pollFirst());
                }
            }
        }
        settle(retention, now);
        expiresAtMillis = now + retention.ttl().toMillis();
        return new Appended(epoch, offsets);
    }

    /** Device {@code deviceKey} is seen; its position moves when the stream holds {@code offset} of {@code epoch}. */
    boolean acknowledge(String deviceKey, long epoch, long offset, Retention retention, long now) {
        MemoryDevices.Position d = devices.see(deviceKey, retention.ttl().toMillis(), now);
        boolean data = hasData(now);
        boolean taken = data && epoch == this.epoch && offset >= 1 && offset <= top;
        if (taken) {
            d.acknowledge(epoch, offset);
        }
        if (data) {
            settle(retention, now);
        }
        return taken;
    }

    /** The devices seen within the ttl, with the stream's epoch and top (0 and 0 without data). */
    Devices devices(Retention retention, long now) {
        List<HistoryStore.Device> out = devices.list(retention.ttl().toMillis(), now);
        boolean data = hasData(now);
        return new Devices(data ? epoch : 0, data ? top : 0, out);
    }

    /**
     * Releases the pins (oldest first: a later pin cannot be released before an earlier one) that expired, that
     * every live device acknowledged, or that lie beyond {@link HistoryStore#PIN_CAP_FACTOR} × size entries back,
     * then trims the entries to {@code min(top - size + 1, oldest live pin)}.
     */
    private void settle(Retention retention, long now) {
        long ttl = retention.ttl().toMillis();
        long capFrom = top - (long) retention.size() * HistoryStore.PIN_CAP_FACTOR + 1;
        if (!pins.isEmpty()) {
            devices.forgetStale(ttl, now);
        }
        while (!pins.isEmpty()) {
            long[] pin = pins.peekFirst();
            if (pin[0] >= capFrom && pin[1] + ttl > now && !devices.ackedByAll(epoch, pin[0])) {
                break;
            }
            pins.pollFirst();
        }
        long keepFrom = top - retention.size() + 1;
        if (!pins.isEmpty()) {
            keepFrom = Math.min(keepFrom, pins.peekFirst()[0]);
        }
        while (!entries.isEmpty() && first() < keepFrom) {
            audiences.remove(first());
            entries.pollFirst();
        }
    }

    /** Up to {@code limit} entries after {@code since} (or the last {@code limit}); called while it has data. */
    Slice read(long since, int limit, boolean last) {
        long first = first();
        boolean complete = last || since >= first - 1 || since >= top;
        long after = Math.min(since, top); // a since far ahead must not overflow since + 1
        long from = last ? Math.max(first, top - limit + 1) : Math.max(first, after + 1);
        long to = Math.min(top, from + limit - 1);
        List<byte[]> out = new ArrayList<>((int) Math.max(0, to - from + 1));
        Map<Long, String> found = audiences.isEmpty() ? Map.of() : new HashMap<>();
        Iterator<byte[]> it = entries.iterator();
        for (long off = first; it.hasNext() && off <= to; off++) {
            byte[] e = it.next();
            if (off >= from) {
                out.add(e);
                String a = audiences.isEmpty() ? null : audiences.get(off);
                if (a != null) {
                    found.put(off, a);
                }
            }
        }
        return new Slice(epoch, top, from, out, complete, found);
    }
}
