package io.jgoim.comet.limit;

import io.jgoim.comet.config.LimitsConfig;
import io.jgoim.common.http.RateLimitedLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * The comet's connect limits ({@code limits.*}): the node's accept bucket, the per-address table (connections,
 * connect rate, failures and bans) and the per-session rates, with their meters and the ban list
 * ({@link #bans()}). One instance per comet, shared by every listener and session; thread-safe, and no decision
 * allocates. Time is the injected nanosecond clock (tests move it).
 */
public final class ConnectLimits {
    private static final Logger log = LoggerFactory.getLogger(ConnectLimits.class);

    private final LimitsConfig config;
    private final LongSupplier clock;
    private final AcceptRate acceptRate;
    private final ConnectionCap cap;
    private final IpTable table;
    private final LimitMeters meters;
    private final IpBans bans;
    private final long upstreamInterval;
    private final long upstreamTolerance;
    private final long heartbeatInterval;
    private final long heartbeatTolerance;
    /** Bans are a client's doing: a spray of banned addresses logs one line a second at most. */
    private final RateLimitedLog banLog = new RateLimitedLog();

    public ConnectLimits(LimitsConfig config, MeterRegistry registry, LongSupplier nanoClock) {
        this(config, registry, nanoClock, ConnectionCap.processFdLimit());
    }

    /** Limits for a process allowed {@code fdLimit} file descriptors (-1: unknown), for the automatic cap. */
    ConnectLimits(LimitsConfig config, MeterRegistry registry, LongSupplier nanoClock, long fdLimit) {
        this.config = config;
        this.clock = nanoClock;
        this.cap = new ConnectionCap(ConnectionCap.resolve(config.maxConnections(), fdLimit));
        logCap(config.maxConnections(), fdLimit, cap.max());
        this.acceptRate = new AcceptRate(config.acceptRate(), config.acceptBurst(), nanoClock);
        this.table = config.perIp() ? new IpTable(config.ipTableSize(), config.maxConnectionsPerIp(),
                config.connectRatePerIp(), config.connectBurstPerIp(), config.authFailuresPerIp(),
                config.banTime().toNanos()) : null;
        this.bans = new IpBans(table, nanoClock);
        this.meters = new LimitMeters(registry, bans::count, cap);
        this.upstreamInterval = Gcra.interval(config.upstreamRate());
        this.upstreamTolerance = Gcra.tolerance(upstreamInterval, config.upstreamBurst());
        this.heartbeatInterval = config.minHeartbeatInterval().toNanos();
        this.heartbeatTolerance = Gcra.tolerance(heartbeatInterval, config.heartbeatBurst());
    }

    /** Limits on the system clock. */
    public ConnectLimits(LimitsConfig config, MeterRegistry registry) {
        this(config, registry, System::nanoTime);
    }

    public LimitsConfig config() {
        return config;
    }

    public LimitMeters meters() {
        return meters;
    }

    /** The ban list, for operators (the admin API's {@code /admin/bans}). */
    public IpBans bans() {
        return bans;
    }

    private static void logCap(int configured, long fdLimit, int max) {
        if (configured == 0 && max == ConnectionCap.NONE) {
            log.warn("limits.maxConnections is automatic but the file-descriptor limit cannot be read: no cap on open "
                    + "client connections");
        } else if (configured == 0) {
            log.info("limits.maxConnections: {} (automatic: file-descriptor limit {} less the node's reserve)", max,
                    fdLimit);
        }
    }

    /**
     * The node's cap on open client connections, first at accept: counts {@code ch} until it closes (refused or
     * not); null when it fits, else {@link Refusal#NODE_FULL} (counted).
     */
    public Refusal openConnection(Channel ch) {
        if (cap.open(ch)) {
            return null;
        }
        meters.refused(Refusal.NODE_FULL);
        return Refusal.NODE_FULL;
    }

    /** The cap on open client connections and their count. */
    public ConnectionCap cap() {
        return cap;
    }

    /** The node's accept bucket, at accept: null when admitted, else {@link Refusal#ACCEPT_RATE} (counted). */
    public Refusal acceptNode() {
        if (acceptRate.tryAcquire()) {
            meters.accepted();
            return null;
        }
        meters.refused(Refusal.ACCEPT_RATE);
        return Refusal.ACCEPT_RATE;
    }

    /**
     * The whole seconds a connection {@link #acceptNode} just refused is told to stay away: its booked place in the
     * accept bucket's calendar ({@link AcceptRate#retryAfterSeconds}). Call once per refusal that is told it.
     */
    public int acceptRetryAfterSeconds() {
        return acceptRate.retryAfterSeconds();
    }

    /**
     * Admits a connection of {@code client} from {@code address} by the per-address limits: null when admitted
     * ({@code client} then holds its slot, released by {@link ClientIp#release()}), else the refusal (counted).
     */
    public Refusal admit(ClientIp client, InetAddress address) {
        if (table == null) {
            return null;
        }
        int r = table.admit(IpKey.hi(address), IpKey.lo(address), clock.getAsLong());
        if (r >= 0) {
            client.slot(r);
            return null;
        }
        if (r == IpTable.UNTRACKED) {
            meters.tableFull();
            return null;
        }
        Refusal refusal = Refusal.ofAdmit(r);
        meters.refused(refusal);
        return refusal;
    }

    /** Counts a refusal decided elsewhere (the proxy checks, the per-session limits). */
    public void refused(Refusal r) {
        meters.refused(r);
    }

    /** A connection that held {@code slot} ended ({@link ClientIp#release}, {@link ClientIp#handOver}). */
    public void release(int slot) {
        table.release(slot);
    }

    boolean banned(int slot) {
        return table.banned(slot, clock.getAsLong());
    }

    void strike(int slot, BanReason reason, ClientIp client) {
        if (table.strike(slot, reason, clock.getAsLong())) {
            meters.banned();
            long suppressed = banLog.acquire();
            if (suppressed >= 0) {
                log.warn("banned {} for {}: more than {} failed handshakes a minute ({}){}",
                        client.hostText(), config.banTime(), config.authFailuresPerIp(), reason,
                        RateLimitedLog.suppressedNote(suppressed));
            }
        }
    }

    /**
     * The heartbeat state of a session after a heartbeat at {@code now}: its next value, or {@link Gcra#REFUSED}
     * when heartbeats come faster than {@code limits.minHeartbeatInterval} allows, or than half the interval the
     * session was told ({@code assignedNanos}): the comet never refuses the pace it asked for. State starts at the
     * session's start time.
     */
    public long heartbeat(long tat, long now, long assignedNanos) {
        if (heartbeatInterval == 0) {
            return tat;
        }
        long interval = Math.min(heartbeatInterval, assignedNanos / 2);
        return Gcra.next(tat, now, interval, interval == heartbeatInterval ? heartbeatTolerance
                : Gcra.tolerance(interval, config.heartbeatBurst()));
    }

    /** As {@link #heartbeat}, for upstream messages ({@code limits.upstreamRate}). */
    public long upstream(long tat, long now) {
        return upstreamInterval == 0 ? tat : Gcra.next(tat, now, upstreamInterval, upstreamTolerance);
    }
}
