package io.jgoim.comet.metrics;

import io.jgoim.common.metrics.TenantLabels;
import io.jgoim.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * The comet's meters, created once so the hot paths only bump pre-registered counters (no tag lookups, no
 * allocation). Label values are bounded: ops are named from a fixed table, business ops share one label.
 * Thread-safe (Micrometer counters are striped adders).
 */
public final class CometMetrics {
    /** Why a push was not written to a session. */
    public enum DropReason { RING_FULL, SLOW, CLOSED, UPSTREAM_OVERFLOW }

    /** Where a History read for a position-aware session was answered. */
    public enum HistorySource { STORE, CACHE, JOINED }

    /** Which push path delivered a frame. */
    public enum PushKind { KEY, ROOM, BROADCAST }

    private final MeterRegistry registry;
    private final Counter[] framesIn = new Counter[OpLabel.values().length];
    private final Counter[] framesOut = new Counter[OpLabel.values().length];
    private final Map<PushKind, Counter> pushes = new EnumMap<>(PushKind.class);
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
    private final Map<CloseCode, Counter> closes = new EnumMap<>(CloseCode.class);
    private final Map<HistorySource, Counter> historyReads = new EnumMap<>(HistorySource.class);
    private final AdmissionMetrics admission;
    private final Counter repeatedRequests;
    private final Counter roomRepeats;
    private final Counter broadcastRepeats;
    private final Counter memberRepeats;
    private final Counter storeEpochChanges;
    private final Counter sessionsReannounced;
    private final Counter originsRefused;
    private final Counter fanOutMessages;
    private final Counter fanOutWrites;
    private final AtomicInteger tcpSessions = new AtomicInteger();
    private final AtomicInteger webSocketSessions = new AtomicInteger();
    private final PushLatency pushLatency;
    private final TenantLabels.Gauges tenantSessions;
    private final TenantLabels.Counters tenantDeliveries;

    public CometMetrics(MeterRegistry registry) {
        this(registry, TenantLabels.none());
    }

    /**
     * {@code tenants}: the values of the {@code tenant} label of the tenant meters (sessions, deliveries), each
     * registered at zero now.
     */
    public CometMetrics(MeterRegistry registry, TenantLabels tenants) {
        this.registry = registry;
        tenantSessions = tenants.gauges(registry, "jgoim_comet_tenant_sessions",
                "authenticated sessions, by tenant (default, the declared tenants, other)");
        tenantDeliveries = tenants.counters(registry, "jgoim_comet_tenant_pushes_delivered",
                "push frames handed to sessions by key, mid, room and broadcast pushes, by the push's tenant "
                        + "(counted once per push)");
        for (OpLabel l : OpLabel.values()) {
            framesIn[l.ordinal()] = Counter.builder("jgoim_comet_frames_in").tag("op", l.label)
                    .description("frames received from clients").register(registry);
            framesOut[l.ordinal()] = Counter.builder("jgoim_comet_frames_out").tag("op", l.label)
                    .description("frames written to clients (replies and pushes)").register(registry);
        }
        for (PushKind k : PushKind.values()) {
            pushes.put(k, Counter.builder("jgoim_comet_pushes_delivered").tag("kind", k.name().toLowerCase())
                    .description("push frames handed to sessions").register(registry));
        }
        for (DropReason r : DropReason.values()) {
            drops.put(r, Counter.builder("jgoim_comet_drops").tag("reason", r.name().toLowerCase())
                    .description("push frames not written, by reason").register(registry));
        }
        for (CloseCode c : CloseCode.values()) {
            closes.put(c, Counter.builder("jgoim_comet_closes").tag("reason", c.name().toLowerCase())
                    .description("sessions closed by the server, by close code").register(registry));
        }
        for (HistorySource h : HistorySource.values()) {
            historyReads.put(h, Counter.builder("jgoim_comet_history_reads").tag("source", h.name().toLowerCase())
                    .description("stream history reads for position-aware sessions: store = a History call to logic, "
                            + "cache = answered from the comet's recent messages, joined = waited for an identical "
                            + "read already in flight").register(registry));
        }
        admission = new AdmissionMetrics(registry);
        repeatedRequests = Counter.builder("jgoim_comet_repeated_requests")
                .description("job requests answered from their first attempt's outcome, not delivered again "
                        + "(retries of calls whose reply came after job's deadline)").register(registry);
        roomRepeats = repeats(registry, "room");
        broadcastRepeats = repeats(registry, "broadcast");
        memberRepeats = repeats(registry, "member");
        storeEpochChanges = Counter.builder("jgoim_comet_store_epoch_changes")
                .description("times logic's session store was seen to have lost its data (a new store epoch in the "
                        + "RenewOnline reply), each starting a re-announce of every session").register(registry);
        sessionsReannounced = Counter.builder("jgoim_comet_sessions_reannounced")
                .description("sessions routed again in logic after the session store lost its data")
                .register(registry);
        originsRefused = Counter.builder("jgoim_comet_ws_origin_refused")
                .description("WebSocket upgrade requests refused with 403 because their Origin is not in "
                        + "webSocket.allowedOrigins").register(registry);
        fanOutMessages = Counter.builder("jgoim_comet_fanout_messages")
                .description("room and broadcast messages written by the event loops' passes (each counted once per "
                        + "loop pass, not per session); divided by jgoim_comet_fanout_writes: messages per write")
                .register(registry);
        fanOutWrites = Counter.builder("jgoim_comet_fanout_writes")
                .description("writes of the event loops' room and broadcast passes (one write goes to every member "
                        + "of the room on that loop; the messages gathered while the loop was busy share it)")
                .register(registry);
        Gauge.builder("jgoim_comet_sessions", tcpSessions, AtomicInteger::get).tag("transport", "tcp")
                .description("authenticated sessions").register(registry);
        Gauge.builder("jgoim_comet_sessions", webSocketSessions, AtomicInteger::get).tag("transport", "websocket")
                .description("authenticated sessions").register(registry);
        pushLatency = new PushLatency(registry);
    }

    /**
     * Registers the node's gauges read on scrape: rooms hosted ({@code node} label: this comet's id), the pending
     * tasks of each session event loop and the fan-out backlog of each ({@code loop}: its index).
     */
    public void bindNode(String nodeId, Supplier<Number> rooms, IntFunction<EventExecutor> loops, int loopCount,
                         IntUnaryOperator fanOutBacklog) {
        gauge("jgoim_comet_rooms", "node", nodeId, rooms);
        for (int i = 0; i < loopCount; i++) {
            EventExecutor loop = loops.apply(i);
            if (loop instanceof SingleThreadEventExecutor) {
                SingleThreadEventExecutor st = (SingleThreadEventExecutor) loop;
                gauge("jgoim_comet_event_loop_pending_tasks", "loop", Integer.toString(i), st::pendingTasks);
            }
        }
        for (int i = 0; i < loopCount; i++) {
            int loop = i;
            gauge("jgoim_comet_fanout_backlog", "loop", Integer.toString(i), () -> fanOutBacklog.applyAsInt(loop));
        }
    }

    /** The up-down session count of {@code tenant} (an internal id): resolved once per session. */
    public java.util.concurrent.atomic.AtomicInteger tenantSessions(String tenant) {
        return tenantSessions.of(tenant);
    }

    /** Frames handed to sessions, by the push's tenant. */
    public TenantLabels.Counters tenantDeliveries() {
        return tenantDeliveries;
    }

    /** The meters of the auth path's admission (Connect latency, refusals, places waiting for logic). */
    public AdmissionMetrics admission() {
        return admission;
    }

    /** The end-to-end push latency histogram. */
    public PushLatency pushLatency() {
        return pushLatency;
    }

    /** A session authenticated (TCP or TLS over TCP when {@code webSocket} is false). */
    public void sessionOpened(boolean webSocket) {
        (webSocket ? webSocketSessions : tcpSessions).incrementAndGet();
    }

    public void sessionClosed(boolean webSocket) {
        (webSocket ? webSocketSessions : tcpSessions).decrementAndGet();
    }

    /** Meters into a private registry (tests, benchmarks). */
    public static CometMetrics noop() {
        return new CometMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void frameIn(int op) {
        framesIn[OpLabel.of(op).ordinal()].increment();
    }

    public void frameOut(int op) {
        framesOut[OpLabel.of(op).ordinal()].increment();
    }

    public void pushed(PushKind kind, int n) {
        if (n > 0) {
            pushes.get(kind).increment(n);
            framesOut[OpLabel.PUSH.ordinal()].increment(n);
        }
    }

    /** A loop's pass wrote {@code messages} room or broadcast messages in {@code writes} writes per member. */
    public void fanOutPass(int messages, int writes) {
        fanOutMessages.increment(messages);
        fanOutWrites.increment(writes);
    }

    /** Messages per write of the fan-out passes so far (NaN before the first). */
    public double fanOutMessagesPerWrite() {
        return fanOutMessages.count() / fanOutWrites.count();
    }

    public void dropped(DropReason reason) {
        drops.get(reason).increment();
    }

    public void closed(CloseCode code) {
        closes.get(code).increment();
    }

    public double closes(CloseCode code) {
        return closes.get(code).count();
    }

    public double drops(DropReason reason) {
        return drops.get(reason).count();
    }

    /** A History read was answered from {@code source}. */
    public void historyRead(HistorySource source) {
        historyReads.get(source).increment();
    }

    public double historyReads(HistorySource source) {
        return historyReads.get(source).count();
    }

    /** A retried job request was answered from its first attempt (not delivered twice). */
    public void repeatedRequest() {
        repeatedRequests.increment();
    }

    private static Counter repeats(MeterRegistry registry, String kind) {
        return Counter.builder("jgoim_comet_push_repeats").tag("kind", kind)
                .description("messages of positioned room batches, broadcasts and member pushes (to goim and ver-2 "
                        + "sessions) whose audience already had them from this comet, not written again (records job "
                        + "consumed again after a restart or rebalance, pushes retried with their id)")
                .register(registry);
    }

    /** {@code n} messages of a positioned room batch ({@code ROOM}) or broadcast were dropped as repeats. */
    public void pushRepeats(PushLatency.Kind kind, int n) {
        (kind == PushLatency.Kind.ROOM ? roomRepeats : broadcastRepeats).increment(n);
    }

    /** {@code n} messages of a positioned member push were not queued to a session that had them (per session). */
    public void memberRepeats(int n) {
        memberRepeats.increment(n);
    }

    public double memberRepeats() {
        return memberRepeats.count();
    }

    public double roomRepeats() {
        return roomRepeats.count();
    }

    public double broadcastRepeats() {
        return broadcastRepeats.count();
    }

    public double repeatedRequests() {
        return repeatedRequests.count();
    }

    /** Logic's session store lost its data; every session is being re-announced. */
    public void storeEpochChanged() {
        storeEpochChanges.increment();
    }

    public double storeEpochChanges() {
        return storeEpochChanges.count();
    }

    /** Logic routed one session again after a store loss. */
    public void sessionReannounced() {
        sessionsReannounced.increment();
    }

    public double sessionsReannounced() {
        return sessionsReannounced.count();
    }

    /** An HTTP request on a WebSocket listener was refused for its Origin header. */
    public void originRefused() {
        originsRefused.increment();
    }

    public double originsRefused() {
        return originsRefused.count();
    }

    /** Registers a gauge read on scrape. */
    public void gauge(String name, String tagKey, String tagValue, Supplier<Number> value) {
        Gauge.builder(name, value).tag(tagKey, tagValue).register(registry);
    }
}
