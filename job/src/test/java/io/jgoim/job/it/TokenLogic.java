package io.jgoim.job.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

import java.util.concurrent.CompletableFuture;

/**
 * The part of logic job's integration tests need, for real: it accepts goim JSON tokens
 * ({"mid":..,"key":..,"room_id":..,"accepts":[..]}) and records each session's route in the session directory, as
 * logic does, so that job's play-history lookups find the devices. Thread-safe.
 */
public final class TokenLogic implements LogicService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SessionDirectory sessions;

    public TokenLogic(SessionDirectory sessions) {
        this.sessions = sessions;
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq req) {
        try {
            JsonNode t = JSON.readTree(req.getToken().toByteArray());
            long mid = t.path("mid").asLong(0);
            String key = t.path("key").asText("");
            ConnectReply.Builder b = ConnectReply.newBuilder().setMid(mid).setKey(key)
                    .setRoomId(t.path("room_id").asText("")).setHeartbeat(240);
            t.path("accepts").forEach(a -> b.addAccepts(a.asInt()));
            return sessions.addSession(mid, key, req.getServer()).thenApply(v -> b.build());
        } catch (Exception e) {
            return CompletableFuture.completedFuture(ConnectReply.newBuilder()
                    .setErrorCode(ErrorCode.UNAUTHORIZED.code()).setErrorMessage("bad token").build());
        }
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq req) {
        return sessions.removeSession(req.getMid(), req.getKey(), req.getServer())
                .thenApply(x -> DisconnectReply.getDefaultInstance());
    }

    @Override
    public CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq req) {
        return CompletableFuture.completedFuture(HeartbeatReply.getDefaultInstance());
    }

    @Override
    public CompletableFuture<OnlineReply> renewOnline(OnlineReq req) {
        return CompletableFuture.completedFuture(OnlineReply.newBuilder().putAllAllRoomCount(req.getRoomCountMap())
                .build());
    }

    @Override
    public CompletableFuture<ReceiveReply> receive(ReceiveReq req) {
        return CompletableFuture.completedFuture(ReceiveReply.getDefaultInstance());
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq req) {
        return CompletableFuture.completedFuture(NodesReply.getDefaultInstance());
    }
}
