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

    /** Refreshes every comet's room list now; completes when each comet answered or failed. */
    java.util.concurrent.CompletableFuture<Void> refreshRooms();

    @Override
    void close();
}
