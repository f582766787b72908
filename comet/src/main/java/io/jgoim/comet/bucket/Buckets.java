package io.jgoim.comet.bucket;

import io.jgoim.comet.room.Room;
import io.jgoim.comet.session.Session;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The comet's session and room index: a power-of-two number of {@link Bucket}s chosen by {@code hash & mask} (goim's
 * buckets), so no single map carries every session. Key lookups and room lookups are lock-free map reads; joining
 * and leaving a room runs on the session's event loop. Thread-safe.
 */
public final class Buckets {
    private final Bucket[] buckets;
    private final int mask;
    private final int loops;
    private final Function<String, Room> newRoom;

    /**
     * @param size             number of buckets, a power of two
     * @param initialSessions  initial session capacity per bucket
     * @param loops            number of session event loops (rooms split their members by loop)
     */
    public Buckets(int size, int initialSessions, int loops) {
        if (size <= 0 || (size & (size - 1)) != 0) {
            throw new IllegalArgumentException("bucket count must be a power of two: " + size);
        }
        this.buckets = new Bucket[size];
        for (int i = 0; i < size; i++) {
            buckets[i] = new Bucket(initialSessions);
        }
        this.mask = size - 1;
        this.loops = loops;
        this.newRoom = id -> new Room(id, this.loops);
    }

    /** The bucket of a session key or room id. */
    public Bucket bucket(String keyOrRoom) {
        int h = keyOrRoom.hashCode();
        // Spread the high bits so ids that differ only there do not share a bucket (as HashMap does).
        return buckets[(h ^ (h >>> 16)) & mask];
    }

    public int size() {
        return buckets.length;
    }

    public Session session(String key) {
        return bucket(key).session(key);
    }

    /** Registers {@code s}; returns the session with the same key it replaced, or null. */
    public Session put(Session s) {
        return bucket(s.key()).put(s);
    }

    /** Unregisters {@code s} if it is still the session for its key. */
    public boolean remove(Session s) {
        return bucket(s.key()).remove(s);
    }

    public Room room(String roomId) {
        return bucket(roomId).room(roomId);
    }

    /** Moves {@code s} into room {@code roomId} (leaving its current room first). On the session's event loop. */
    public Room join(Session s, String roomId) {
        leave(s);
        Bucket b = bucket(roomId);
        for (;;) {
            Room r = b.roomMap().computeIfAbsent(roomId, newRoom);
            if (r.tryEnter()) {
                r.add(s);
                s.room(r);
                return r;
            }
            // The room emptied and died between lookup and entry; drop it and take a fresh one.
            b.roomMap().remove(roomId, r);
        }
    }

    /** Takes {@code s} out of its room, if any; an emptied room leaves its bucket. On the session's event loop. */
    public void leave(Session s) {
        Room r = s.room();
        if (r == null) {
            return;
        }
        r.remove(s);
        s.room(null);
        if (r.exit()) {
            bucket(r.id()).roomMap().remove(r.id(), r);
        }
    }

    public int sessionCount() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.sessionCount();
        }
        return n;
    }

    public int roomCount() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.roomMap().size();
        }
        return n;
    }

    /** Local online count of every room with members (for RenewOnline). */
    public Map<String, Integer> roomCounts() {
        Map<String, Integer> out = new HashMap<>();
        for (Bucket b : buckets) {
            for (Room r : b.rooms()) {
                int n = r.online();
                if (n > 0) {
                    out.put(r.id(), n);
                }
            }
        }
        return out;
    }

    /** Applies cluster-wide counts from logic to the local rooms (rooms it does not list get 0). */
    public void clusterCounts(Map<String, Integer> all) {
        for (Bucket b : buckets) {
            for (Room r : b.rooms()) {
                Integer n = all.get(r.id());
                r.clusterOnline(n == null ? 0 : n);
            }
        }
    }
}
