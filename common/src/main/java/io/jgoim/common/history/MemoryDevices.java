package io.jgoim.common.history;

import io.jgoim.common.history.HistoryStore.Device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The devices of one {@link MemoryStream}: when each was last seen and the position it acknowledged, at most
 * {@link HistoryStore#MAX_DEVICES} (a new one evicts the stalest), the whole table living {@code ttl} after a device
 * was last seen, as the Redis devices key does. Not thread-safe: called holding the stream's lock.
 */
final class MemoryDevices {
    private final Map<String, Position> byKey = new HashMap<>();
    private long expireAtMillis;

    /** One device's state. */
    static final class Position {
        private long seenMillis;
        private long epoch;
        private long offset;

        /** Records an acknowledged position: a new epoch, or a later offset in the same one. */
        void acknowledge(long epoch, long offset) {
            if (this.epoch != epoch || offset > this.offset) {
                this.epoch = epoch;
                this.offset = offset;
            }
        }
    }

    /** Device {@code key}, seen at {@code now} (added if new); the table lives {@code ttl} from now. */
    Position see(String key, long ttl, long now) {
        Position d = byKey.get(key);
        if (d == null) {
            forgetStale(ttl, now);
            if (byKey.size() >= HistoryStore.MAX_DEVICES) {
                byKey.values().stream().min(Comparator.comparingLong(x -> x.seenMillis))
                        .ifPresent(stalest -> byKey.values().remove(stalest));
            }
            d = new Position();
            byKey.put(key, d);
        }
        d.seenMillis = now;
        expireAtMillis = now + ttl;
        return d;
    }

    /** Forgets the devices not seen within {@code ttl}. */
    void forgetStale(long ttl, long now) {
        byKey.values().removeIf(d -> d.seenMillis + ttl <= now);
    }

    /** Whether every device acknowledged {@code offset} of {@code epoch} or later in it. */
    boolean ackedByAll(long epoch, long offset) {
        for (Position d : byKey.values()) {
            if (d.epoch != epoch || d.offset < offset) {
                return false;
            }
        }
        return true;
    }

    /** The devices seen within {@code ttl}, by key. */
    List<Device> list(long ttl, long now) {
        forgetStale(ttl, now);
        List<Device> out = new ArrayList<>();
        byKey.forEach((k, d) -> out.add(new Device(k, d.epoch, d.offset)));
        out.sort(Comparator.comparing(Device::key));
        return out;
    }

    /** When the table expires: {@code ttl} after a device was last seen (0 before any was). */
    long expireAtMillis() {
        return expireAtMillis;
    }
}
