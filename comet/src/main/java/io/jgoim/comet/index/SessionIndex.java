package io.jgoim.comet.index;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The comet's session and room index: sessions by key and rooms by id in a power-of-two number of {@link Bucket}s
 * chosen by {@code hash & mask} (goim's buckets), so no single map carries every session, plus each event loop's
 * session list ({@link SessionLoops}). It is the only writer of a session's position (bucket entry, room, list
 * slots): {@link #register} and {@link #unregister} are the whole protocol of a session's life in the index.
 *
 * <p>Threading: key and room lookups are lock-free map reads from any thread; register, unregister, join and leave
 * run on the session's event loop.
 */
public final class SessionIndex {
    private final Bucket[] buckets;
    private final int mask;
    private final SessionLoops loops;
    private final Function<String, Room> newRoom;
    /** Told the id of a room that had no member here and now has one (see {@link #onRoomOpened}). */
    private volatile Consumer<String> roomOpened = id -> { };

    /**
     * @param size            number of buckets, a power of two
     * @param initialSessions initial session capacity per bucket
     * @param loops           the session event loops (rooms split their members by loop)
     */
    public SessionIndex(int size, int initialSessions, SessionLoops loops) {
        if (size <= 0 || (size & (size - 1)) != 0) {
            throw new IllegalArgumentException("bucket count must be a power of two: " + size);
        }
        this.buckets = new Bucket[size];
        for (int i = 0; i < size; i++) {
            buckets[i] = new Bucket(initialSessions);
        }
        this.mask = size - 1;
        this.loops = loops;
        int loopCount = loops.size();
        this.newRoom = id -> new Room(id, loopCount);
    }

    /** The session event loops and their session lists. */
    public SessionLoops loops() {
        return loops;
    }

    /** The bucket of a session key or room id. */
    Bucket bucket(String keyOrRoom) {
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

    public Room room(String roomId) {
        return bucket(roomId).room(roomId);
    }

    /**
     * Registers an authenticated session: under its key, in its loop's session list, in room {@code roomId} (none
     * when empty) and with its loop's idle sweeper. Returns the session with the same key it replaced (the caller
     * closes it), or null. On the session's event loop.
     */
    public Session register(Session s, String roomId) {
        Session replaced = bucket(s.key()).put(s);
        loops.sessions(s.loopIndex()).add(s);
        if (!roomId.isEmpty()) {
            join(s, roomId);
        }
        loops.idleSweeper(s.loopIndex()).due(s.idleDeadlineNanos());
        return replaced == s ? null : replaced;
    }

    /**
     * The session's deadline ({@link Session#idleDeadlineNanos()}) may have moved earlier (a refreshed token that
     * expires sooner): its loop's sweeper runs by then. On the session's event loop.
     */
    public void deadlineMoved(Session s) {
        loops.idleSweeper(s.loopIndex()).due(s.idleDeadlineNanos());
    }

    /**
     * Takes a closed session out of everything {@link #register} put it in. Returns true when it was still the
     * session for its key (false: a newer session with the key replaced it, and that one keeps the key's route).
     * On the session's event loop.
     */
    public boolean unregister(Session s) {
        boolean current = bucket(s.key()).remove(s);
        leave(s);
        loops.sessions(s.loopIndex()).remove(s);
        return current;
    }

    /** Moves {@code s} into room {@code roomId} (leaving its current room first). On the session's event loop. */
    public Room join(Session s, String roomId) {
        leave(s);
        Bucket b = bucket(roomId);
        for (;;) {
            Room r = b.roomMap().get(roomId);
            boolean opened = false;
            if (r == null) {
                Room fresh = newRoom.apply(roomId);
                r = b.roomMap().putIfAbsent(roomId, fresh);
                if (r == null) {
                    r = fresh;
                    opened = true;
                }
            }
            if (r.tryEnter()) {
                r.add(s);
                s.room(r);
                if (opened) {
                    roomOpened.accept(roomId);
                }
                return r;
            }
            // The room emptied and died between lookup and entry; drop it and take a fresh one.
            b.roomMap().remove(roomId, r);
        }
    }

    /**
     * Tells {@code listener} (on the joining session's event loop) the id of every room that had no member on this
     * comet and got one: what the comet knew of that room's messages may be stale, since job stops sending a room's
     * batches to a comet that does not host it (the comet's recent messages of the room are dropped then).
     */
    public void onRoomOpened(Consumer<String> listener) {
        this.roomOpened = listener;
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

    /** Sessions under a key (a racy sum; exact when quiescent). */
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
