package io.jgoim.job.comet;

import io.jgoim.job.JobConfig;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The standalone directory: server id → a {@link CometService} called directly in the same JVM (for example
 * {@code cometServer.pushService()}). Comets are added and removed by the owner; thread-safe.
 */
public final class DirectCometDirectory extends AbstractCometDirectory {
    public DirectCometDirectory(JobConfig.CometConfig config, JobConfig.RetryConfig retry) {
        super(config, retry);
    }

    /** Direct calls: room pushes are not filtered by the rooms a comet reported. */
    @Override
    public boolean isRemote() {
        return false;
    }

    /** Adds (or replaces) the comet {@code serverId}. */
    public DirectCometDirectory add(String serverId, CometService service) {
        put(serverId, service);
        return this;
    }

    /**
     * Adds the comet {@code serverId} whose service is looked up at each call (for example {@code
     * cometServer::pushService}, which exists only once the comet started): until it exists, calls fail with
     * UNAVAILABLE and are retried like any unavailable comet.
     */
    public DirectCometDirectory add(String serverId, Supplier<CometService> service) {
        put(serverId, new LazyCometService(service));
        return this;
    }

    /** Removes the comet {@code serverId}; sends queued for it are given up. */
    public void removeComet(String serverId) {
        remove(serverId);
    }

    /** Resolves the comet's service at each call; UNAVAILABLE while it does not exist yet. */
    private record LazyCometService(Supplier<CometService> target) implements CometService {
        private CometService get() {
            CometService s = target.get();
            if (s == null) {
                throw new JgoimException(ErrorCode.UNAVAILABLE, "comet not started");
            }
            return s;
        }

        @Override
        public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq request) {
            return get().pushMsg(request);
        }

        @Override
        public CompletableFuture<BroadcastReply> broadcast(BroadcastReq request) {
            return get().broadcast(request);
        }

        @Override
        public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq request) {
            return get().broadcastRoom(request);
        }

        @Override
        public CompletableFuture<RoomsReply> rooms(RoomsReq request) {
            return get().rooms(request);
        }
    }
}
