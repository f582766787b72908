package io.jgoim.comet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
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

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real in-memory implementation of the logic contract for comet's tests: parses goim's JSON token
 * ({"mid":..,"key":..,"room_id":..,"platform":..,"accepts":[..]}), generates a UUID for an empty key, refuses a
 * token with mid &lt; 0 or bad JSON with UNAUTHORIZED, keeps the sessions it accepted, and records every call. A
 * configurable delay and failure drive the fault tests.
 */
public final class InMemoryLogic implements LogicService, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Map<String, Long> sessions = new ConcurrentHashMap<>();
    public final CopyOnWriteArrayList<ReceiveReq> received = new CopyOnWriteArrayList<>();
    public final CopyOnWriteArrayList<DisconnectReq> disconnects = new CopyOnWriteArrayList<>();
    public final CopyOnWriteArrayList<HeartbeatReq> heartbeats = new CopyOnWriteArrayList<>();
    public final CopyOnWriteArrayList<OnlineReq> onlineReports = new CopyOnWriteArrayList<>();
    public final Map<String, Integer> clusterCounts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "in-memory-logic");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration connectDelay = Duration.ZERO;
    private volatile ErrorCode connectFailure;
    private volatile long heartbeatSeconds;
    private volatile CompletableFuture<Void> gate;
    private volatile CompletableFuture<Void> receiveGate;

    /** Delays every Connect answer (a slow logic). */
    public InMemoryLogic connectDelay(Duration d) {
        this.connectDelay = d;
        return this;
    }

    /** Fails every Connect with this code as a transport error (an unreachable logic); null to heal. */
    public InMemoryLogic connectFailure(ErrorCode code) {
        this.connectFailure = code;
        return this;
    }

    /** Holds every Connect answer until the returned future is completed (then answers on the completing thread). */
    public CompletableFuture<Void> holdConnects() {
        CompletableFuture<Void> g = new CompletableFuture<>();
        gate = g;
        return g;
    }

    /** Holds every Receive answer until the returned future is completed. */
    public CompletableFuture<Void> holdReceives() {
        CompletableFuture<Void> g = new CompletableFuture<>();
        receiveGate = g;
        return g;
    }

    /** The heartbeat interval Connect replies carry (0 = none; comet uses its default). */
    public InMemoryLogic heartbeatSeconds(long s) {
        this.heartbeatSeconds = s;
        return this;
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq req) {
        ConnectReply reply = authenticate(req);
        ErrorCode failure = connectFailure;
        CompletableFuture<ConnectReply> f = new CompletableFuture<>();
        Runnable answer = () -> {
            if (failure != null) {
                f.completeExceptionally(new JgoimException(failure, "logic is down"));
            } else {
                if (reply.getErrorCode() == 0) {
                    sessions.put(reply.getKey(), reply.getMid());
                }
                f.complete(reply);
            }
        };
        long delay = connectDelay.toMillis();
        CompletableFuture<Void> g = gate;
        if (g != null) {
            g.thenRun(answer);
        } else if (delay > 0) {
            timer.schedule(answer, delay, TimeUnit.MILLISECONDS);
        } else {
            answer.run();
        }
        return f;
    }

    private ConnectReply authenticate(ConnectReq req) {
        try {
            JsonNode t = JSON.readTree(req.getToken().toByteArray());
            if (t == null || !t.isObject() || !t.has("mid")) {
                return refused("token is not a goim JSON token");
            }
            long mid = t.get("mid").asLong(-1);
            if (mid < 0) {
                return refused("mid must be >= 0");
            }
            String key = t.path("key").asText("");
            ConnectReply.Builder b = ConnectReply.newBuilder().setMid(mid)
                    .setKey(key.isEmpty() ? UUID.randomUUID().toString() : key)
                    .setRoomId(t.path("room_id").asText("")).setPlatform(t.path("platform").asText(""))
                    .setHeartbeat(heartbeatSeconds);
            for (JsonNode op : t.path("accepts")) {
                b.addAccepts(op.asInt());
            }
            return b.build();
        } catch (Exception e) {
            return refused("bad JSON: " + e.getMessage());
        }
    }

    private static ConnectReply refused(String why) {
        return ConnectReply.newBuilder().setErrorCode(ErrorCode.UNAUTHORIZED.code()).setErrorMessage(why).build();
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq req) {
        disconnects.add(req);
        boolean had = sessions.remove(req.getKey(), req.getMid());
        return CompletableFuture.completedFuture(DisconnectReply.newBuilder().setHas(had).build());
    }

    @Override
    public CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq req) {
        heartbeats.add(req);
        return CompletableFuture.completedFuture(HeartbeatReply.getDefaultInstance());
    }

    @Override
    public CompletableFuture<OnlineReply> renewOnline(OnlineReq req) {
        onlineReports.add(req);
        return CompletableFuture.completedFuture(OnlineReply.newBuilder().putAllAllRoomCount(clusterCounts).build());
    }

    @Override
    public CompletableFuture<ReceiveReply> receive(ReceiveReq req) {
        received.add(req);
        CompletableFuture<Void> g = receiveGate;
        if (g != null) {
            return g.thenApply(v -> ReceiveReply.getDefaultInstance());
        }
        return CompletableFuture.completedFuture(ReceiveReply.getDefaultInstance());
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq req) {
        return CompletableFuture.completedFuture(NodesReply.getDefaultInstance());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
