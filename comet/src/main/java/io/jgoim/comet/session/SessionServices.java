package io.jgoim.comet.session;

import io.jgoim.comet.CometConfig;
import io.jgoim.comet.bucket.Buckets;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.room.SessionLoops;
import io.jgoim.protocol.rpc.LogicService;

import java.util.function.BooleanSupplier;

/**
 * What every session pipeline shares: configuration, the logic seam, the bucket index, the session loops and the
 * meters. One instance per comet, immutable, thread-safe (its parts are).
 *
 * @param config  the comet's configuration
 * @param logic   auth, heartbeat, disconnect and upstream calls (asynchronous)
 * @param buckets the session and room index
 * @param loops   the session event loops and their member lists
 * @param metrics  the comet's meters
 * @param draining true once the comet is closing: sessions that finish auth then are closed with SHUTDOWN
 */
public record SessionServices(CometConfig config, LogicService logic, Buckets buckets, SessionLoops loops,
                              CometMetrics metrics, BooleanSupplier draining) {
    /** Services of a comet that never drains (tests, benchmarks). */
    public SessionServices(CometConfig config, LogicService logic, Buckets buckets, SessionLoops loops,
                           CometMetrics metrics) {
        this(config, logic, buckets, loops, metrics, () -> false);
    }

    /** The comet's node id, sent to logic as {@code server}. */
    public String serverId() {
        return config.node().id();
    }
}
