package io.jgoim.comet.node;

import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.token.Revocations;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.Revocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends this comet's room counts to logic's RenewOnline and applies the cluster-wide counts of the reply to the
 * local rooms, whose heartbeat replies then carry them (goim's onlineproc). {@link #run()} is scheduled at the
 * configured interval; at most one report is in flight, and a failure keeps the last counts.
 *
 * <p>The reply also carries the session store's epoch, which changes when the store lost its data (a Redis that
 * restarted empty): the reporter remembers the last non-empty epoch, and when a later one differs it has the
 * {@link RouteReannouncer} route every session again. An empty epoch (an older logic) is ignored. Replies are handled
 * one at a time (the in-flight flag orders them), so the remembered epoch needs no lock.
 *
 * <p>Likewise the deny list: the request names the version this comet holds, and a reply with another (non-empty)
 * version carries the whole list, which replaces the comet's and goes to the {@link RevocationSweep} to close the
 * sessions it names. So every comet acts on a revocation within about one report interval.
 */
public final class OnlineReporter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(OnlineReporter.class);

    private final String serverId;
    private final SessionIndex index;
    private final LogicService logic;
    private final RouteReannouncer reannouncer;
    private final RevocationSweep revocations;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    /** The last non-empty store epoch seen; written before the in-flight flag is released. */
    private String storeEpoch = "";
    /** The deny list version held; written before the in-flight flag is released. */
    private String revokedVersion = "";

    public OnlineReporter(String serverId, SessionIndex index, LogicService logic, RouteReannouncer reannouncer) {
        this(serverId, index, logic, reannouncer, new RevocationSweep(index.loops()));
    }

    public OnlineReporter(String serverId, SessionIndex index, LogicService logic, RouteReannouncer reannouncer,
                          RevocationSweep revocations) {
        this.revocations = revocations;
        this.serverId = serverId;
        this.index = index;
        this.logic = logic;
        this.reannouncer = reannouncer;
    }

    @Override
    public void run() {
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        try {
            Map<String, Integer> counts = index.roomCounts();
            logic.renewOnline(OnlineReq.newBuilder().setServer(serverId).putAllRoomCount(counts)
                            .setRevokedVersion(revokedVersion).build())
                    .whenComplete((reply, error) -> {
                        try {
                            if (error != null) {
                                log.warn("RenewOnline failed: {}", error.toString());
                            } else {
                                index.clusterCounts(reply.getAllRoomCountMap());
                                storeEpoch(reply.getStoreEpoch());
                                revoked(reply);
                            }
                        } finally {
                            inFlight.set(false);
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.set(false);
            log.warn("RenewOnline failed: {}", e.toString());
        }
    }

    /** A new deny list version: the list replaces the held one and its sessions are closed. */
    private void revoked(OnlineReply reply) {
        String version = reply.getRevokedVersion();
        if (version.isEmpty() || version.equals(revokedVersion)) {
            return;
        }
        Revocations.Builder b = new Revocations.Builder();
        for (Revocation r : reply.getRevokedList()) {
            b.add(r.getKind(), r.getValue(), r.getUntilMs());
        }
        revokedVersion = version;
        revocations.apply(b.build());
    }

    private void storeEpoch(String epoch) {
        if (epoch.isEmpty() || epoch.equals(storeEpoch)) {
            return;
        }
        String previous = storeEpoch;
        storeEpoch = epoch;
        if (!previous.isEmpty()) {
            log.warn("logic's session store lost its data (epoch {} -> {}): re-announcing {} sessions", previous,
                    epoch, index.sessionCount());
            reannouncer.start();
        }
    }
}
