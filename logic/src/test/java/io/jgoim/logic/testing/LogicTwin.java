package io.jgoim.logic.testing;

import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.auth.Authenticator;
import io.jgoim.logic.auth.GoimTokenAuthenticator;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.MemoryHistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.logic.revoke.InMemoryDenyList;
import io.jgoim.logic.service.LocalLogicService;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one {@link LogicService} test twin of the project: production's in-memory logic - {@link LocalLogicService}
 * with goim's JSON token authenticator, a session directory (in memory unless one is given), online aggregation and
 * the node balancer, exactly what standalone runs on - behind fault switches (slow, down, refusing, held answers) and
 * with every call recorded. comet, client and job tests use it instead of private fakes.
 *
 * <p>Thread-safe; switches take effect for calls made after they are set. {@link #close()} stops the delay timer.
 */
public final class LogicTwin implements LogicService, AutoCloseable {
    private final LocalLogicService logic;
    private final SessionDirectory directory;
    private final OnlineAggregator online;
    private final NodeRegistry nodes;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Every room type and every member stream keeps 100 messages for 10 minutes. */
    public static final HistoryConfig HISTORY = new HistoryConfig(
            Map.of(HistoryConfig.ANY_TYPE, new Retention(100, Duration.ofMinutes(10))),
            new Retention(100, Duration.ofMinutes(10)));
    private final MemoryHistoryStore history = new MemoryHistoryStore();
    private final StreamHistory streamHistory;
    private final List<ConnectReq> connects = new CopyOnWriteArrayList<>();
    private final List<DisconnectReq> disconnects = new CopyOnWriteArrayList<>();
    private final List<HeartbeatReq> heartbeats = new CopyOnWriteArrayList<>();
    private final List<OnlineReq> onlineReports = new CopyOnWriteArrayList<>();
    private final List<ReceiveReq> received = new CopyOnWriteArrayList<>();
    private final List<HistoryReq> histories = new CopyOnWriteArrayList<>();
    private final List<RefreshReq> refreshes = new CopyOnWriteArrayList<>();
    private final InMemoryDenyList denyList = new InMemoryDenyList(Clock.systemUTC());
    private final List<AckReq> acks = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "logic-twin");
        t.setDaemon(true);
        return t;
    });

    private volatile Duration connectDelay = Duration.ZERO;
    private volatile ErrorCode connectFailure;
    private volatile ErrorCode connectRefusal;
    private volatile ErrorCode down;
    private volatile Long heartbeatSeconds;
    private volatile String storeEpoch;
    private volatile CompletableFuture<Void> connectGate;
    private volatile CompletableFuture<Void> receiveGate;
    private volatile CompletableFuture<Void> historyGate;

    private LogicTwin(SessionDirectory directory, NodeRegistry nodes) {
        this(directory, nodes, HISTORY);
    }

    private LogicTwin(SessionDirectory directory, NodeRegistry nodes, HistoryConfig historyConfig) {
        this(directory, nodes, historyConfig, new GoimTokenAuthenticator());
    }

    private LogicTwin(SessionDirectory directory, NodeRegistry nodes, HistoryConfig historyConfig,
                      Authenticator authenticator) {
        LogicConfig config = LogicConfig.load(null, Map.of());
        this.directory = directory;
        this.nodes = nodes;
        this.online = new OnlineAggregator(directory, config.online().aggregateInterval(), meters);
        this.streamHistory = new StreamHistory(history, historyConfig);
        this.logic = new LocalLogicService(config, authenticator, directory, UpstreamPublisher.DISCARD,
                online, new NodeBalancer(config.nodes(), nodes, Clock.systemUTC()),
                streamHistory, denyList, meters);
    }

    /** A twin like {@link #create()} whose tokens {@code authenticator} checks (a JwtAuthenticator: expiring tokens). */
    public static LogicTwin create(Authenticator authenticator) {
        return new LogicTwin(new InMemorySessionDirectory(Duration.ofMinutes(1)), new InMemoryNodeRegistry(), HISTORY,
                authenticator);
    }

    /** The twin's deny list: tests revoke in it as the admin API would. */
    public InMemoryDenyList denyList() {
        return denyList;
    }

    /** A twin over an in-memory session directory (routes live one minute) and an in-memory node registry. */
    public static LogicTwin create() {
        return new LogicTwin(new InMemorySessionDirectory(Duration.ofMinutes(1)), new InMemoryNodeRegistry());
    }

    /** A twin like {@link #create()} whose streams keep the history {@code history} says (some may keep none). */
    public static LogicTwin create(HistoryConfig history) {
        return new LogicTwin(new InMemorySessionDirectory(Duration.ofMinutes(1)), new InMemoryNodeRegistry(), history);
    }

    /** A twin whose routes go to {@code directory} (for example Redis, so other nodes see them). */
    public static LogicTwin over(SessionDirectory directory) {
        return new LogicTwin(directory, new InMemoryNodeRegistry());
    }

    /** A twin over the given directory and node registry (the node list it answers comes from the registry). */
    public static LogicTwin over(SessionDirectory directory, NodeRegistry nodes) {
        return new LogicTwin(directory, nodes);
    }

    /** The twin's history store (every stream keeps {@link #HISTORY}): tests append to it as job would. */
    public MemoryHistoryStore historyStore() {
        return history;
    }

    /** Logic's stream history over {@link #historyStore()} (member acks, devices seen). */
    public StreamHistory streamHistory() {
        return streamHistory;
    }

    // ---- fault switches ----

    /** Answers every Connect after {@code delay} (a slow logic). */
    public LogicTwin connectDelay(Duration delay) {
        this.connectDelay = delay;
        return this;
    }

    /** Fails every Connect with {@code code} as a transport failure (an unreachable logic); null heals. */
    public LogicTwin failConnects(ErrorCode code) {
        this.connectFailure = code;
        return this;
    }

    /** Refuses every token with {@code code} in the Connect reply (as a refused token is answered); null heals. */
    public LogicTwin refuseConnects(ErrorCode code) {
        this.connectRefusal = code;
        return this;
    }

    /** Fails every call with {@code code} (logic or its store is down); null heals. */
    public LogicTwin down(ErrorCode code) {
        this.down = code;
        return this;
    }

    /** The heartbeat interval Connect replies carry instead of logic's configured one (0 = none: comet's own). */
    public LogicTwin heartbeatSeconds(long seconds) {
        this.heartbeatSeconds = seconds;
        return this;
    }

    /**
     * The store epoch RenewOnline replies carry instead of the directory's: a new value signals a store that lost its
     * data (without losing any route), "" plays an older logic that sends none; null heals.
     */
    public LogicTwin storeEpoch(String epoch) {
        this.storeEpoch = epoch;
        return this;
    }

    /** Holds every Connect answer until the returned future completes (then answers on the completing thread). */
    public CompletableFuture<Void> holdConnects() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        connectGate = gate;
        return gate;
    }

    /** Holds every Receive answer until the returned future completes. */
    public CompletableFuture<Void> holdReceives() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        receiveGate = gate;
        return gate;
    }

    /** Holds every History answer until the returned future completes. */
    public CompletableFuture<Void> holdHistory() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        historyGate = gate;
        return gate;
    }

    // ---- what happened ----

    /** Every Ack call, in order. */
    public List<AckReq> acks() {
        return acks;
    }

    /** Every History call, in order. */
    public List<HistoryReq> histories() {
        return histories;
    }

    public List<ConnectReq> connects() {
        return connects;
    }

    public List<DisconnectReq> disconnects() {
        return disconnects;
    }

    public List<HeartbeatReq> heartbeats() {
        return heartbeats;
    }

    public List<OnlineReq> onlineReports() {
        return onlineReports;
    }

    public List<ReceiveReq> received() {
        return received;
    }

    /** Every Refresh call, in order. */
    public List<RefreshReq> refreshes() {
        return refreshes;
    }

    /** The server (comet id) logic routes {@code key} to, or null when it routes it nowhere. */
    public String serverOf(String key) {
        return directory.serversByKeys(List.of(key)).join().get(key);
    }

    /** key -> server of every routed device of member {@code mid}. */
    public Map<String, String> routesOf(long mid) {
        return directory.keysByMids(List.of(mid)).join();
    }

    /** The session directory behind the twin (to seed routes or other comets' online counts). */
    public SessionDirectory directory() {
        return directory;
    }

    /** The node registry behind the twin's node list. */
    public NodeRegistry nodeRegistry() {
        return nodes;
    }

    /** Aggregates every comet's reported room counts now (RenewOnline answers with the last aggregate). */
    public OnlineAggregator.Snapshot aggregateOnline() {
        return online.refresh().join();
    }

    /** The meters logic recorded (connects, refusals by code, ...). */
    public SimpleMeterRegistry meters() {
        return meters;
    }

    // ---- LogicService ----

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq req) {
        connects.add(req);
        CompletableFuture<ConnectReply> out = new CompletableFuture<>();
        Runnable answer = () -> answerConnect(req).whenComplete((r, e) -> {
            if (e != null) {
                out.completeExceptionally(e);
            } else {
                out.complete(r);
            }
        });
        CompletableFuture<Void> gate = connectGate;
        long delay = connectDelay.toMillis();
        if (gate != null) {
            gate.thenRun(answer);
        } else if (delay > 0) {
            timer.schedule(answer, delay, TimeUnit.MILLISECONDS);
        } else {
            answer.run();
        }
        return out;
    }

    private CompletableFuture<ConnectReply> answerConnect(ConnectReq req) {
        ErrorCode failure = connectFailure != null ? connectFailure : down;
        if (failure != null) {
            return CompletableFuture.failedFuture(new JgoimException(failure, "logic is down (twin switch)"));
        }
        ErrorCode refusal = connectRefusal;
        if (refusal != null) {
            return CompletableFuture.completedFuture(ConnectReply.newBuilder().setErrorCode(refusal.code())
                    .setErrorMessage("refused (twin switch)").build());
        }
        Long hb = heartbeatSeconds;
        return logic.connect(req).thenApply(r -> hb == null || r.getErrorCode() != 0 ? r
                : r.toBuilder().setHeartbeat(hb).build());
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq req) {
        disconnects.add(req);
        return unlessDown(() -> logic.disconnect(req));
    }

    @Override
    public CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq req) {
        heartbeats.add(req);
        return unlessDown(() -> logic.heartbeat(req));
    }

    @Override
    public CompletableFuture<OnlineReply> renewOnline(OnlineReq req) {
        onlineReports.add(req);
        String epoch = storeEpoch;
        return unlessDown(() -> logic.renewOnline(req)).thenApply(r -> epoch == null ? r
                : r.toBuilder().setStoreEpoch(epoch).build());
    }

    @Override
    public CompletableFuture<ReceiveReply> receive(ReceiveReq req) {
        received.add(req);
        CompletableFuture<Void> gate = receiveGate;
        if (gate != null) {
            return gate.thenCompose(v -> unlessDown(() -> logic.receive(req)));
        }
        return unlessDown(() -> logic.receive(req));
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq req) {
        return unlessDown(() -> logic.nodes(req));
    }

    @Override
    public CompletableFuture<HistoryReply> history(HistoryReq req) {
        histories.add(req);
        CompletableFuture<Void> gate = historyGate;
        if (gate != null) {
            return gate.thenCompose(v -> unlessDown(() -> logic.history(req)));
        }
        return unlessDown(() -> logic.history(req));
    }

    @Override
    public CompletableFuture<RefreshReply> refresh(RefreshReq req) {
        refreshes.add(req);
        return unlessDown(() -> logic.refresh(req));
    }

    @Override
    public CompletableFuture<AckReply> ack(AckReq req) {
        acks.add(req);
        return unlessDown(() -> logic.ack(req));
    }

    private <T> CompletableFuture<T> unlessDown(Supplier<CompletableFuture<T>> call) {
        ErrorCode d = down;
        return d != null ? CompletableFuture.failedFuture(new JgoimException(d, "logic is down (twin switch)"))
                : call.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        online.close();
    }
}
