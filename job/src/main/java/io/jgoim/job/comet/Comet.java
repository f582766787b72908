package io.jgoim.job.comet;

import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.overload.ThrottleConfig;
import io.jgoim.protocol.rpc.CometService;

import java.util.Set;

/**
 * One comet as job sees it: its server id, the service that reaches it (gRPC or direct), its retry budget, its
 * client-side adaptive throttle and the rooms it last reported. Created and retired by a {@link CometDirectory}; read from any thread (the room snapshot is
 * a volatile immutable set), the retry budget is thread-safe.
 */
public final class Comet {
    private static final ThrottleConfig OFF = new ThrottleConfig(false, 2, java.time.Duration.ofSeconds(10), 10, 0);

    private final String id;
    private final CometService service;
    private final RetryBudget retryBudget;
    private final AdaptiveThrottle throttle;
    private volatile Set<String> rooms;
    private volatile boolean removed;

    /** A comet whose calls are never throttled locally. */
    public Comet(String id, CometService service, RetryBudget retryBudget) {
        this(id, service, retryBudget, new AdaptiveThrottle(OFF));
    }

    /** @param throttle the client-side adaptive throttle of the calls to this comet (one per comet) */
    public Comet(String id, CometService service, RetryBudget retryBudget, AdaptiveThrottle throttle) {
        this.id = id;
        this.service = service;
        this.retryBudget = retryBudget;
        this.throttle = throttle;
    }

    /** The client-side adaptive throttle of the calls to this comet; thread-safe, shared by the lanes. */
    public AdaptiveThrottle throttle() {
        return throttle;
    }

    public String id() {
        return id;
    }

    public CometService service() {
        return service;
    }

    public RetryBudget retryBudget() {
        return retryBudget;
    }

    /**
     * True when this comet may hold members of {@code room}: it reported the room at the last poll, or its rooms are
     * not known (never polled, or the last poll failed), in which case it gets every room push.
     */
    public boolean mayHost(String room) {
        Set<String> r = rooms;
        return r == null || r.contains(room);
    }

    /** The last reported rooms, or null when unknown. */
    public Set<String> rooms() {
        return rooms;
    }

    void rooms(Set<String> rooms) {
        this.rooms = rooms;
    }

    /** True once the comet left the directory; queued sends to it are given up. */
    public boolean isRemoved() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    @Override
    public String toString() {
        return "comet " + id;
    }
}
