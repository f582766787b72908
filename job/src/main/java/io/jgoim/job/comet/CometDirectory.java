package io.jgoim.job.comet;

import java.util.List;

/**
 * Which comets exist and how to reach them: the dispatcher asks it for the comet named in a push, for the comets that
 * may host a room, and for every comet (broadcast). Two implementations: {@link RegistryCometDirectory} (cluster: live
 * from the node registry, one gRPC channel per comet) and {@link DirectCometDirectory} (standalone: direct calls).
 * Lookups are lock-free reads of an immutable snapshot and may be called from any thread.
 */
public interface CometDirectory extends AutoCloseable {
    /** Starts discovery and room polling; idempotent. */
    void start();

    /** The comet with this server id, or null. */
    Comet comet(String serverId);

    /** Every known comet (an immutable snapshot). */
    List<Comet> comets();

    /**
     * True when comets are reached over the network, where skipping comets that do not host a room saves calls. A
     * direct (in-process) directory answers false: a call to a comet without the room costs nothing, so every room
     * push goes to every comet and a session that just joined a room never misses a push.
     */
    default boolean isRemote() {
        return true;
    }

    /**
     * Calls {@code listener} with the id of every comet known now and of each one added later (on the thread that
     * adds it): job registers the comet's meters at zero then. One listener; the default ignores it.
     */
    default void onCometAdded(java.util.function.Consumer<String> listener) {
    }

    /** Refreshes every comet's room list now; completes when each comet answered or failed. */
    java.util.concurrent.CompletableFuture<Void> refreshRooms();

    @Override
    void close();
}
