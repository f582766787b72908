package io.jgoim.comet.session;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.limit.ConnectLimits;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.stream.AckBatcher;
import io.jgoim.comet.stream.HistoryReads;
import io.jgoim.comet.stream.StreamDelivery;
import io.jgoim.comet.stream.StreamFilter;
import io.jgoim.comet.frame.SessionTransport;
import io.netty.channel.Channel;
import io.jgoim.protocol.rpc.LogicService;

import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * What every session pipeline shares: configuration, the logic seam, the session index and the meters, plus the
 * session handler's stateless collaborators (the op dispatch with heartbeat, subscriptions, upstream and the rest,
 * the slow-consumer policy, connect admission, the ack batcher), made once per comet so an idle session carries none
 * of them. Immutable, thread-safe (its parts are).
 */
public final class SessionServices {
    private final CometConfig config;
    private final LogicService logic;
    private final SessionIndex index;
    private final CometMetrics metrics;
    private final BooleanSupplier draining;
    private final Supplier<NodeHints> hints;
    private final ConnectAdmission admission;
    private final SlowConsumerPolicy slowConsumer;
    private final HistoryReads historyReads;
    private final AckBatcher acks;
    private final AuthShedding authShedding;
    private final ConnectLimits limits;
    private final LogicDisconnects disconnects;
    private final OpDispatch dispatch;

    /**
     * @param config   the comet's configuration
     * @param logic    auth, heartbeat, disconnect and upstream calls (asynchronous)
     * @param index    the session and room index, with the session event loops
     * @param metrics  the comet's meters
     * @param draining true once the comet is draining: sessions that finish auth then are closed with SHUTDOWN
     * @param hints    the node hints of the current drain for SHUTDOWN goodbyes ({@link NodeHints#NONE} when none)
     * @param history the comet's history reads (shared with the push service, which feeds its recent messages)
     */
    public SessionServices(CometConfig config, LogicService logic, SessionIndex index, CometMetrics metrics,
                           BooleanSupplier draining, Supplier<NodeHints> hints, HistoryReads history) {
        this.historyReads = history;
        this.config = config;
        this.logic = logic;
        this.index = index;
        this.metrics = metrics;
        this.draining = draining;
        this.hints = hints;
        CometConfig.ProtocolConfig protocol = config.protocol();
        this.admission = new ConnectAdmission(protocol.maxPendingConnects(), protocol.logicTimeout(),
                protocol.connectWait(), protocol.maxWaitingConnects(), metrics.admission());
        this.authShedding = new AuthShedding(config.overload(), metrics.registry());
        this.slowConsumer = new SlowConsumerPolicy(config.outbound().slowCloseAfter());
        this.acks = new AckBatcher(logic, serverId());
        this.disconnects = new LogicDisconnects(logic, LogicDisconnects.DEFAULT_WINDOW,
                LogicDisconnects.DEFAULT_MAX_QUEUED, metrics.registry(), new RouteRepair(index, logic, serverId()),
                protocol.logicTimeout().multipliedBy(2).toNanos());
        this.limits = new ConnectLimits(config.limits(), metrics.registry());
        // The op collaborators are reached through the dispatch only.
        this.dispatch = new OpDispatch(config, metrics, limits,
                new Heartbeat(logic, metrics, serverId(), protocol.sessionRefreshInterval()),
                new Subscriptions(index),
                new StreamRequests(acks, new RecentRequests(history)),
                new Upstream(protocol.maxInflightUpstream(), logic, metrics, serverId()),
                new TokenRefresh(protocol.maxInflightUpstream(), logic, index, metrics, serverId()));
    }

    /** Services with history reads of their own (nothing feeds their recent messages). */
    public SessionServices(CometConfig config, LogicService logic, SessionIndex index, CometMetrics metrics,
                           BooleanSupplier draining, Supplier<NodeHints> hints) {
        this(config, logic, index, metrics, draining, hints, new HistoryReads(logic, config.history().cacheSize(),
                config.history().resumeTimeout(), metrics));
    }

    /** Services of a comet whose goodbyes carry no node hints. */
    public SessionServices(CometConfig config, LogicService logic, SessionIndex index, CometMetrics metrics,
                           BooleanSupplier draining) {
        this(config, logic, index, metrics, draining, () -> NodeHints.NONE);
    }

    /** Services of a comet that never drains (tests, benchmarks). */
    public SessionServices(CometConfig config, LogicService logic, SessionIndex index, CometMetrics metrics) {
        this(config, logic, index, metrics, () -> false);
    }

    public CometConfig config() {
        return config;
    }

    public LogicService logic() {
        return logic;
    }

    /** The comet's Disconnect calls to logic, flow-controlled and retried. */
    public LogicDisconnects disconnects() {
        return disconnects;
    }

    public SessionIndex index() {
        return index;
    }

    public CometMetrics metrics() {
        return metrics;
    }

    /** True once the comet is draining (at runtime or closing). */
    public BooleanSupplier draining() {
        return draining;
    }

    /** The node hints SHUTDOWN goodbyes carry now. */
    public Supplier<NodeHints> hints() {
        return hints;
    }

    /** The comet-wide bound on Connects waiting for logic. */
    public ConnectAdmission admission() {
        return admission;
    }

    /** Adaptive shedding of auths (CPU over threshold and Connects waiting for logic over capacity). */
    public AuthShedding authShedding() {
        return authShedding;
    }

    /** The rate limits, per-address table and bans of this comet's listeners and sessions. */
    public ConnectLimits limits() {
        return limits;
    }

    public HistoryReads historyReads() {
        return historyReads;
    }

    /**
     * The delivery of a position-aware session on {@code channel}: its pushes merged with history by offset, the
     * messages it skips ({@link StreamFilter}: not for {@code key}, or an op {@code watches} refuses) advancing its
     * cursor unwritten.
     */
    public StreamDelivery streamDelivery(Channel channel, SessionTransport transport, StreamDelivery.Ender ender,
                                         String key, IntPredicate watches) {
        return new StreamDelivery(channel, transport, historyReads, metrics, ender,
                config.history().resumeTimeout().toNanos(), StreamDelivery.MAX_HELD_BATCHES,
                new StreamFilter(key, watches));
    }

    /** The sessions' member-stream acks, waiting for the next flush to logic (the comet's timer flushes them). */
    public AckBatcher acks() {
        return acks;
    }

    /** The answer to each op of an authenticated session. */
    OpDispatch dispatch() {
        return dispatch;
    }

    SlowConsumerPolicy slowConsumer() {
        return slowConsumer;
    }

    /** The comet's node id, sent to logic as {@code server}. */
    public String serverId() {
        return config.node().id();
    }
}
