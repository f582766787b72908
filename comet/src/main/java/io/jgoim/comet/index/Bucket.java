package io.jgoim.comet.index;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shard of the comet's indexes: the sessions whose key hashes here (key to session, a {@link SessionTable}:
 * no map node per session) and the rooms whose id hashes here (room id to {@link Room}). Written only through
 * {@link SessionIndex}. Thread-safe; lookups are lock-free, so a push thread never waits for an event loop.
 */
final class Bucket {
    private final SessionTable sessions;
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();

    Bucket(int initialSessions) {
        this.sessions = new SessionTable(initialSessions);
    }

    /** The session holding {@code key}, or null. */
    public Session session(String key) {
        return sessions.get(key);
    }

    /** Puts {@code s} under its key and returns the session it replaced (to be closed), or null. */
    Session put(Session s) {
        return sessions.put(s);
    }

    /** Removes {@code s} only if the bucket still holds this very session (a newer one with the key stays). */
    boolean remove(Session s) {
        return sessions.remove(s);
    }

    public int sessionCount() {
        return sessions.size();
    }

    public Room room(String roomId) {
        return rooms.get(roomId);
    }

    ConcurrentHashMap<String, Room> roomMap() {
        return rooms;
    }

    /** Iterates rooms (weakly consistent). */
    public Iterable<Room> rooms() {
        return rooms.values();
    }
}
