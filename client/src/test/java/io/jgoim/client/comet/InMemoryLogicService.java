package io.jgoim.client.comet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory twin of logic for the SDK's tests against a real comet: accepts goim's JSON token
 * ({@code {"mid":..,"key":..,"room_id":..,"platform":..,"accepts":[..]}}), generates a key when it is empty,
 * refuses a negative mid or malformed JSON with UNAUTHORIZED (a reply with an error code, as the contract says), and
 * records sessions and upstream messages. Thread-safe.
 */
final class InMemoryLogicService implements LogicService {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Long> sessions = new ConcurrentHashMap<>();
    final List<String> upstream = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq req) {
        ConnectReply reply;
        try {
            JsonNode t = JSON.readTree(req.getToken().toByteArray());
            long mid = t == null ? -1 : t.path("mid").asLong(-1);
            if (mid < 0) {
                reply = refused("mid must be >= 0");
            } else {
                String key = t.path("key").asText("");
                ConnectReply.Builder b = ConnectReply.newBuilder().setMid(mid)
                        .setKey(key.isEmpty() ? UUID.randomUUID().toString() : key)
                        .setRoomId(t.path("room_id").asText("")).setPlatform(t.path("platform").asText(""));
                t.path("accepts").forEach(op -> b.addAccepts(op.asInt()));
                reply = b.build();
                sessions.put(reply.getKey(), mid);
            }
        } catch (Exception e) {
            reply = refused("bad token: " + e.getMessage());
        }
        return CompletableFuture.completedFuture(reply);
    }

    private static ConnectReply refused(String why) {
        return ConnectReply.newBuilder().setErrorCode(ErrorCode.UNAUTHORIZED.code()).setErrorMessage(why).build();
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq req) {
        boolean had = sessions.remove(req.getKey(), req.getMid());
        return CompletableFuture.completedFuture(DisconnectReply.newBuilder().setHas(had).build());
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
        upstream.add(req.getProto().getBody().toString(StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(ReceiveReply.getDefaultInstance());
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq req) {
        return CompletableFuture.completedFuture(NodesReply.getDefaultInstance());
    }
}
