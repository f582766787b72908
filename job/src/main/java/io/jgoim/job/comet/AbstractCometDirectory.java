package io.jgoim.job.comet;

import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.job.JobConfig;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The shared half of both directories: the id → comet map, its immutable snapshot, and the periodic Rooms() poll of
 * every comet. Membership changes are serialised by {@code synchronized}; reads never lock. One scheduler thread
 * ({@code job-comets}) runs the polls.
 */
abstract class AbstractCometDirectory implements CometDirectory {
    private static final Logger log = LoggerFactory.getLogger(AbstractCometDirectory.class);
    private static final RoomsReq ROOMS = RoomsReq.getDefaultInstance();

    protected final JobConfig.CometConfig config;
    private final JobConfig.RetryConfig retry;
    private final Map<String, Comet> byId = new ConcurrentHashMap<>();
    private volatile List<Comet> snapshot = List.of();
    protected final ScheduledExecutorService scheduler;
    private java.util.function.Consumer<String> added = id -> { };
    private boolean started;

    AbstractCometDirectory(JobConfig.CometConfig config, JobConfig.RetryConfig retry) {
        this.config = config;
        this.retry = retry;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-comets");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        onStart();
        long every = config.roomsRefresh().toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshRoomsQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Subclasses begin their discovery here. */
    protected void onStart() {
    }

    @Override
    public Comet comet(String serverId) {
        return byId.get(serverId);
    }

    @Override
    public List<Comet> comets() {
        return snapshot;
    }

    @Override
    public synchronized void onCometAdded(java.util.function.Consumer<String> listener) {
        this.added = listener;
        byId.keySet().forEach(listener);
    }

    /** Adds or replaces the comet {@code id}; returns the one replaced, already marked removed, or null. */
    protected synchronized Comet put(String id, CometService service) {
        added.accept(id);
        Comet c = new Comet(id, service, new RetryBudget(retry.budgetRatio(), retry.minRetriesPerSecond()),
                new AdaptiveThrottle(config.throttle()));
        Comet old = byId.put(id, c);
        if (old != null) {
            old.markRemoved();
        }
        snapshot = List.copyOf(byId.values());
        if (started) {
            pollRooms(c);
        }
        return old;
    }

    /** Removes the comet {@code id}; returns it (marked removed) or null. */
    protected synchronized Comet remove(String id) {
        Comet old = byId.remove(id);
        if (old != null) {
            old.markRemoved();
            snapshot = List.copyOf(byId.values());
        }
        return old;
    }

    @Override
    public CompletableFuture<Void> refreshRooms() {
        List<Comet> all = snapshot;
        List<CompletableFuture<?>> polls = new ArrayList<>(all.size());
        for (Comet c : all) {
            polls.add(pollRooms(c));
        }
        return CompletableFuture.allOf(polls.toArray(new CompletableFuture<?>[0]));
    }

    private void refreshRoomsQuietly() {
        try {
            refreshRooms();
        } catch (RuntimeException e) {
            log.warn("room poll failed", e);
        }
    }

    private CompletableFuture<Void> pollRooms(Comet c) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            c.service().rooms(ROOMS)
                    .orTimeout(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((reply, error) -> {
                        if (error != null) {
                            // Unknown rooms mean "send every room push": never lose one because a poll failed.
                            c.rooms(null);
                            log.debug("rooms of {} unknown: {}", c.id(), error.toString());
                        } else {
                            c.rooms(Set.copyOf(reply.getRoomsMap().keySet()));
                        }
                        done.complete(null);
                    });
        } catch (RuntimeException e) {
            c.rooms(null);
            done.complete(null);
        }
        return done;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        synchronized (this) {
            for (String id : List.copyOf(byId.keySet())) {
                Comet c = remove(id);
                if (c != null) {
                    onRemoved(c);
                }
            }
        }
    }

    /** Releases what a removed comet held (a gRPC channel). */
    protected void onRemoved(Comet comet) {
    }
}
