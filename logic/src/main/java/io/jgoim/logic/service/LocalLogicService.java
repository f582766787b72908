package io.jgoim.logic.service;

import io.jgoim.logic.tenant.Tenants;
import io.jgoim.protocol.Tenancy;

import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.auth.Authenticator;
import io.jgoim.logic.auth.ConnectProxy;
import io.jgoim.logic.auth.Identity;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.logic.revoke.DenyList;
import io.jgoim.logic.revoke.InMemoryDenyList;
import io.jgoim.logic.upstream.CommentSink;
import io.jgoim.logic.upstream.UpstreamRouter;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.RoomIds;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.AckReply;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Logic's answers to comet: Connect (authenticate, then route the session in the directory), Disconnect, Heartbeat
 * (renew the route; re-add it when it expired, as goim does), RenewOnline (store this comet's room counts, answer
 * with the cluster's, and the deny list when the comet's copy is out of date; {@link OnlineRenewal}), Receive (the
 * {@link UpstreamRouter}: Kafka, an HTTP backend or the comment handler, by op), Nodes, Refresh (a session's new
 * token, {@link TokenRefresh}), History and Ack (stream history, {@link StreamHistory}). With a
 * {@link ConnectProxy}, Connect asks the operator's backend instead of checking the token (a refusal is
 * CONNECT_REFUSED; no answer fails the future, so comet tells the client to retry). Connect and Refresh refuse
 * a token the {@link DenyList} names (TOKEN_REVOKED). A position-aware session's Connect also records its key as a
 * device of its member stream, concurrently with the route; a failure to record it is counted and does not refuse
 * the session (its first ack records it). Standalone calls it directly; in a cluster
 * {@link io.jgoim.protocol.rpc.LogicGrpcService} serves it. Non-blocking and thread-safe: every call returns at once
 * and completes on a Redis or Kafka client thread. A refused token is a normal reply with {@code error_code}; Redis
 * being down fails the future with UNAVAILABLE (comet retries later).
 */
public final class LocalLogicService implements LogicService {
    private static final HeartbeatReply HEARTBEAT_OK = HeartbeatReply.getDefaultInstance();

    private final Authenticator authenticator;
    private final SessionDirectory directory;
    private final UpstreamRouter upstream;
    private final ConnectProxy connectProxy;
    private final NodeBalancer balancer;
    private final StreamHistory history;
    private final DenyList denyList;
    private final Tenants tenants;
    private final long heartbeatSeconds;
    private final Counter connects;
    private final Counter disconnects;
    private final Counter deviceFailures;
    private final Counter expiredConnects;
    private final TokenRefusals refusals;
    private final TokenRefresh tokenRefresh;
    private final OnlineRenewal onlineRenewal;

    public LocalLogicService(LogicConfig config, Authenticator authenticator, SessionDirectory directory,
                             UpstreamPublisher upstream, OnlineAggregator online, NodeBalancer balancer,
                             MeterRegistry registry) {
        this(config, authenticator, directory, upstream, online, balancer, StreamHistory.none(), registry);
    }

    public LocalLogicService(LogicConfig config, Authenticator authenticator, SessionDirectory directory,
                             UpstreamPublisher upstream, OnlineAggregator online, NodeBalancer balancer,
                             StreamHistory history, MeterRegistry registry) {
        this(config, authenticator, directory, upstream, online, balancer, history,
                new InMemoryDenyList(Clock.systemUTC()), registry);
    }

    /**
     * @param denyList the revoked tokens, keys and members (Redis in a cluster, memory in standalone)
     * @param upstream where the kafka upstream route (and every op no route names) publishes; comment routes fail
     */
    public LocalLogicService(LogicConfig config, Authenticator authenticator, SessionDirectory directory,
                             UpstreamPublisher upstream, OnlineAggregator online, NodeBalancer balancer,
                             StreamHistory history, DenyList denyList, MeterRegistry registry) {
        this(config, authenticator, directory, UpstreamRouter.of(config.upstream(), upstream, CommentSink.NONE,
                registry), null, online, balancer, history, denyList, new Tenants(config.tenants(), registry), registry);
    }

    /**
     * @param upstream       the upstream routes (not owned)
     * @param connectProxyOrNull the connect proxy that replaces {@code authenticator}, or null (not owned)
     * @param tenants the declared tenants: a session's token (or the connect proxy) names one (else the default
     *                tenant); its key and room are namespaced and its member routes live in the tenant's view of
     *                {@code directory}
     */
    public LocalLogicService(LogicConfig config, Authenticator authenticator, SessionDirectory directory,
                             UpstreamRouter upstream, ConnectProxy connectProxyOrNull, OnlineAggregator online,
                             NodeBalancer balancer, StreamHistory history, DenyList denyList, Tenants tenants,
                             MeterRegistry registry) {
        this.connectProxy = connectProxyOrNull;
        this.tenants = tenants;
        this.denyList = denyList;
        this.history = history;
        this.authenticator = authenticator;
        this.directory = directory;
        this.upstream = upstream;
        this.balancer = balancer;
        this.heartbeatSeconds = config.nodes().heartbeat().toSeconds();
        this.connects = Counter.builder("jgoim.logic.sessions.connected")
                .description("sessions authenticated and routed").register(registry);
        this.disconnects = Counter.builder("jgoim.logic.sessions.disconnected")
                .description("session routes removed").register(registry);
        this.expiredConnects = Counter.builder("jgoim.logic.connects.expired")
                .description("Connects not started: the comet's deadline had passed while they waited")
                .register(registry);
        this.deviceFailures = Counter.builder("jgoim.logic.history.device.failures")
                .description("connects whose device could not be recorded in the history store").register(registry);
        this.refusals = new TokenRefusals(registry, connectProxy != null);
        this.tokenRefresh = new TokenRefresh(authenticator, tenants, denyList, refusals);
        this.onlineRenewal = new OnlineRenewal(directory, online, denyList, config.online().reportTtl());
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq request) {
        if (request.getServer().isEmpty()) {
            return failed(ErrorCode.BAD_PARAMETER, "connect: server is required");
        }
        long deadline = callerDeadline();
        if (deadline != 0 && System.nanoTime() - deadline > 0) {
            // the comet gave up on this Connect while it waited in logic's queue: its session is already refused
            expiredConnects.increment();
            return failed(ErrorCode.TIMEOUT, "connect: the caller's deadline passed before logic started it");
        }
        if (connectProxy != null) {
            return connectProxy.authorize(request).handle((verdict, error) -> {
                if (error == null) {
                    // The proxy's tenant passes the same one check as a token's claim.
                    String tenant;
                    try {
                        tenant = tenants.resolve(verdict.tenant());
                        checkIds(verdict.identity());
                    } catch (JgoimException e) {
                        refusals.count(e.code());
                        return CompletableFuture.completedFuture(connectRefusal(e));
                    }
                    return connect(request, verdict.identity().inNamespace(tenant), tenant, deadline);
                }
                Throwable t = Failures.unwrap(error);
                if (t instanceof JgoimException j && j.code() == ErrorCode.CONNECT_REFUSED) {
                    refusals.count(j.code());
                    return CompletableFuture.completedFuture(connectRefusal(j));
                }
                return CompletableFuture.<ConnectReply>failedFuture(t);
            }).thenCompose(f -> f);
        }
        Identity id;
        String tenant;
        try {
            id = authenticator.authenticate(request.getToken().toByteArray(), request.getRemoteAddr());
            // The one check of a session's tenant, whatever named it (the token's claim today; a connect proxy's
            // tenant goes through tenants.resolve here too): UNKNOWN_TENANT unless declared.
            tenant = tenants.resolve(id.tenant());
            checkIds(id);
        } catch (JgoimException e) {
            refusals.count(e.code());
            return CompletableFuture.completedFuture(connectRefusal(e));
        }
        return connect(request, id.inNamespace(tenant), tenant, deadline);
    }

    private static ConnectReply connectRefusal(JgoimException e) {
        return ConnectReply.newBuilder().setErrorCode(e.code().code()).setErrorMessage(String.valueOf(e.getMessage()))
                .build();
    }

    /**
     * A key or room holding the tenant separator could pose as another tenant's (io.jgoim.protocol.Tenancy):
     * refused as a malformed token once tenants are declared (with none, every id is the default tenant's, as before).
     * A room id outside {@link RoomIds}' rule is refused BAD_ROOM.
     */
    private void checkIds(Identity id) {
        if (tenants.any() && (Tenancy.forged(id.key()) || Tenancy.forged(id.roomId()))) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "key and room_id may not hold U+001F");
        }
        // the room a push can name (RoomIds): a token cannot put a session where no push reaches it
        if (id.roomId() != null && !id.roomId().isEmpty() && !RoomIds.valid(id.roomId())) {
            throw new JgoimException(ErrorCode.BAD_ROOM, "room_id: " + RoomIds.RULE);
        }
    }

    /** The directory view of the tenant whose namespace {@code key} is in (the default one for an undeclared). */
    private SessionDirectory directoryOf(String key) {
        String t = Tenancy.tenantOf(key);
        return tenants.isDeclared(t) ? directory.forTenant(t) : directory;
    }

    private CompletableFuture<ConnectReply> connect(ConnectReq request, Identity id, String tenant,
                                                    long deadline) {
        return denyList.find(id.jti(), id.kid(), tenant, id.memberId()).thenCompose(revoked -> {
            if (revoked != null) {
                refusals.count(ErrorCode.TOKEN_REVOKED);
                return CompletableFuture.completedFuture(ConnectReply.newBuilder()
                        .setErrorCode(ErrorCode.TOKEN_REVOKED.code()).setErrorMessage(TokenRefusals.revokedMessage(revoked))
                        .build());
            }
            // A declared tenant's device is recorded in its tenant's member stream (its key is namespaced).
            CompletableFuture<Void> seen = !request.getPositions()
                    ? CompletableFuture.completedFuture(null)
                    : history.deviceSeen(id.memberId(), id.key()).exceptionally(e -> {
                        deviceFailures.increment();
                        return null;
                    });
            return directory.forTenant(tenant).addSession(id.memberId(), id.key(), request.getServer(), deadline)
                    .thenCombine(seen, (v, w) -> {
                connects.increment();
                tenants.connected(tenant);
                return ConnectReply.newBuilder()
                        .setMid(id.memberId())
                        .setKey(id.key())
                        .setRoomId(id.roomId())
                        .addAllAccepts(id.accepts())
                        .setHeartbeat(heartbeatSeconds)
                        .setPlatform(id.platform())
                        .setExpiresAtMs(id.expiresAtMs())
                        .setJti(id.jti())
                        .setKid(id.kid())
                        .setTenant(tenant)
                        .build();
            });
        });
    }

    /**
     * Verifies a session's new token ({@link TokenRefresh}): it must verify as at Connect, name the session's member
     * (else TOKEN_WRONG_MEMBER) and not be revoked. The session keeps its key and room whatever the new token says.
     */
    @Override
    public CompletableFuture<RefreshReply> refresh(RefreshReq request) {
        if (request.getKey().isEmpty() || request.getServer().isEmpty()) {
            return failed(ErrorCode.BAD_PARAMETER, "refresh: key and server are required");
        }
        return tokenRefresh.refresh(request);
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request) {
        if (request.getKey().isEmpty() || request.getServer().isEmpty()) {
            return failed(ErrorCode.BAD_PARAMETER, "disconnect: key and server are required");
        }
        return directoryOf(request.getKey()).removeSession(request.getMid(), request.getKey(), request.getServer())
                .thenApply(has -> {
            if (has) {
                disconnects.increment();
            }
            return DisconnectReply.newBuilder().setHas(has).build();
        });
    }

    @Override
    public CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq request) {
        if (request.getKey().isEmpty() || request.getServer().isEmpty()) {
            return failed(ErrorCode.BAD_PARAMETER, "heartbeat: key and server are required");
        }
        long mid = request.getMid();
        String key = request.getKey();
        String server = request.getServer();
        SessionDirectory routes = directoryOf(key);
        return routes.refreshSession(mid, key, server).thenCompose(live -> live
                ? CompletableFuture.completedFuture(HEARTBEAT_OK)
                // The route expired (or Redis lost it): the session is alive, so route it again, as goim does.
                : routes.addSession(mid, key, server).thenApply(v -> HEARTBEAT_OK));
    }

    @Override
    public CompletableFuture<OnlineReply> renewOnline(OnlineReq request) {
        if (request.getServer().isEmpty()) {
            return failed(ErrorCode.BAD_PARAMETER, "renewOnline: server is required");
        }
        return onlineRenewal.renew(request);
    }

    /** The deny list Connect and Refresh check (the admin API adds to it). */
    public DenyList denyList() {
        return denyList;
    }

    @Override
    public CompletableFuture<ReceiveReply> receive(ReceiveReq request) {
        return upstream.route(request);
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq request) {
        return balancer.nodes(request.getPlatform(), request.getClientIp());
    }

    @Override
    public CompletableFuture<HistoryReply> history(HistoryReq request) {
        return history.read(request);
    }

    @Override
    public CompletableFuture<AckReply> ack(AckReq request) {
        return history.ack(request);
    }

    /**
     * The gRPC caller's deadline on the {@link System#nanoTime()} scale, 0 when there is none (a direct call in
     * standalone). Read on the calling thread: the gRPC context does not follow the call onto Redis's threads.
     */
    private static long callerDeadline() {
        io.grpc.Deadline d = io.grpc.Context.current().getDeadline();
        return d == null ? 0 : System.nanoTime() + d.timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private static <T> CompletableFuture<T> failed(ErrorCode code, String message) {
        return CompletableFuture.failedFuture(new JgoimException(code, message));
    }
}
