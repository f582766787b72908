package io.jgoim.comet.node;

import io.jgoim.comet.index.SessionIndex;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends this comet's room counts to logic's RenewOnline and applies the cluster-wide counts of the reply to the
 * local rooms, whose heartbeat replies then carry them (goim's onlineproc). {@link #run()} is scheduled at the
 * configured interval; at most one report is in flight, and a failure keeps the last counts.
 */
public final class OnlineReporter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(OnlineReporter.class);

    private final String serverId;
    private final SessionIndex index;
    private final LogicService logic;
    private final AtomicBoolean inFlight = new AtomicBoolean();

    public OnlineReporter(String serverId, SessionIndex index, LogicService logic) {
        this.serverId = serverId;
        this.index = index;
        this.logic = logic;
    }

    @Override
    public void run() {
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        try {
            Map<String, Integer> counts = index.roomCounts();
            logic.renewOnline(OnlineReq.newBuilder().setServer(serverId).putAllRoomCount(counts).build())
                    .whenComplete((reply, error) -> {
                        inFlight.set(false);
                        if (error != null) {
                            log.warn("RenewOnline failed: {}", error.toString());
                        } else {
                            index.clusterCounts(reply.getAllRoomCountMap());
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.set(false);
            log.warn("RenewOnline failed: {}", e.toString());
        }
    }
}
