package io.jgoim.job.dispatch;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.Comet;
import io.jgoim.job.comet.CometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.Rpc;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a lane's tasks become: a PUSH is one request to the comet that holds its keys, a ROOM message joins its room's
 * batch ({@link RoomBatcher}) whose request goes to every comet that may host the room, a BROADCAST is one request to
 * every comet, and a push to a member's devices is looked up in the session directory first, holding the lane's later
 * tasks until the answer (order per member). A room batch whose room keeps history gets its stream positions first
 * ({@link RoomSequencer}); a member push carries the position logic gave its record. Each request gets one request id
 * and is queued on the {@link CometLink} of each target comet ({@link CometLinks}). One router per {@link Lane}; lane
 * thread only.
 */
final class PushRouter {
    private static final Logger log = LoggerFactory.getLogger(PushRouter.class);

    private final Lane lane;
    private final JobMetrics metrics;
    private final CallPolicy policy;
    private final boolean filterRooms;
    private final CometDirectory comets;
    private final SessionDirectory sessions;
    private final CometLinks links;
    private final RoomBatcher batcher;
    private final RoomSequencer sequencer;
    /**
     * The next request id: one id per built request, the same on each retry and for every comet it goes to (each
     * comet answers a repeated id from its first attempt instead of delivering twice). Starts at a random 64-bit value
     * per lane, so lanes and job instances do not reuse each other's ids within any comet's memory of them.
     */
    private long nextRequestId = ThreadLocalRandom.current().nextLong();
    /** While a member push waits for its devices, later tasks of this lane wait behind it (order per member). */
    private final ArrayDeque<PushTask> gated = new ArrayDeque<>();
    private boolean gate;
    /** How long room and broadcast pushes wait while no comet is known (0 = they never wait). */
    private final long waitForCometsNanos;
    /** When the lane began waiting for a comet (its gate is closed meanwhile), or 0. */
    private long waitingSince;
    /** The wait ran out with still no comet: later pushes go to no comet at once, until a comet is known again. */
    private boolean gaveUpWaiting;
    private final Counter waits;

    PushRouter(Lane lane, JobConfig config, CometDirectory comets, SessionDirectory sessions, JobMetrics metrics,
               HistoryStore history) {
        this.lane = lane;
        this.metrics = metrics;
        this.comets = comets;
        this.sessions = sessions;
        this.policy = new CallPolicy(config);
        this.links = new CometLinks(lane, policy, metrics);
        this.filterRooms = config.comet().filterRooms() && comets.isRemote();
        JobConfig.BatchConfig b = config.batch();
        this.batcher = new RoomBatcher(b.size(), b.window().toNanos(), b.maxBytes(), this::sendRoom);
        this.sequencer = new RoomSequencer(lane, history, config.history().streams(),
                config.history().appendTimeout().toMillis(), metrics, this::sendRoomRequest);
        this.waitForCometsNanos = config.comet().waitForComets().toNanos();
        this.waits = metrics.counter("jgoim.job.push.waits", "times a lane held its pushes because no comet was known",
                "reason", "no_comets");
    }

    /** A task arrives (in dispatch order). */
    void accept(PushTask t) {
        if (gate) {
            gated.add(t);
            return;
        }
        routeSafely(t);
    }

    /** Flushes the room batches whose slot has come; ends a wait for comets once one is known or time is up. */
    void flushDue(long nowNanos) {
        if (waitingSince != 0) {
            checkWait(nowNanos);
        }
        batcher.flushDue(nowNanos);
    }

    /** The earliest open batch deadline, or {@code Long.MAX_VALUE}. */
    long nextDeadline() {
        return batcher.nextDeadline();
    }

    /** Flushes every open room batch now. */
    void flushAll() {
        batcher.flushAll();
    }

    /** A task that trips a bug before any send is finished as failed, so its offset cannot stay blocked. */
    private void routeSafely(PushTask t) {
        try {
            route(t);
        } catch (RuntimeException e) {
            log.error("push of {} failed", t.laneKey(), e);
            if (!t.hasOpenSends() && !gate) {
                metrics.failures("job", t.message().getType().name().toLowerCase(Locale.ROOT), "INTERNAL")
                        .increment();
                t.finishWithoutSend(false);
            }
        }
    }

    private void route(PushTask t) {
        if (t.isForMemberDevices()) {
            resolve(t);
            return;
        }
        PushMsg m = t.message();
        if (m.getType() != PushMsg.Type.PUSH && mustWaitForComets()) {
            waitForComets(t);
            return;
        }
        switch (m.getType()) {
            case PUSH:
                sendPush(t, m.getServer(), m.getKeysList(), PushFrameEncoder.single(m));
                break;
            case ROOM:
                batcher.add(t, PushFrameEncoder.frameLength(m), System.nanoTime());
                break;
            default:
                sendBroadcast(t);
                break;
        }
    }

    /**
     * True when no comet is known and waiting is on: an accepted room or broadcast push is never sent to no comet
     * just because the directory is momentarily empty (a job started before its comets, every comet restarting).
     */
    private boolean mustWaitForComets() {
        if (!comets.comets().isEmpty()) {
            gaveUpWaiting = false;
            return false;
        }
        return waitForCometsNanos > 0 && !gaveUpWaiting;
    }

    /** Holds {@code t} and every later task of the lane (order) until a comet is known; see {@link #checkWait}. */
    private void waitForComets(PushTask t) {
        gate = true;
        gated.addFirst(t);
        waitingSince = System.nanoTime();
        waits.increment();
        log.warn("no comet known: holding room and broadcast pushes for up to {} ms", waitForCometsNanos / 1_000_000);
    }

    /** Lane thread, every duty cycle while waiting: releases the held tasks once a comet is known or time is up. */
    private void checkWait(long nowNanos) {
        boolean known = !comets.comets().isEmpty();
        if (!known && nowNanos - waitingSince < waitForCometsNanos) {
            return;
        }
        if (!known) {
            gaveUpWaiting = true;
            log.warn("still no comet after {} ms: pushes go to no comet until one is known",
                    waitForCometsNanos / 1_000_000);
        }
        waitingSince = 0;
        gate = false;
        PushTask next;
        while (!gate && (next = gated.poll()) != null) {
            routeSafely(next);
        }
    }

    /** Never 0 (0 means "no id" to a comet). */
    private long requestId() {
        long id = nextRequestId++;
        return id != 0 ? id : nextRequestId++;
    }

    private void sendPush(PushTask t, String server, List<String> keys, Proto frame) {
        Comet c = comets.comet(server);
        if (c == null) {
            metrics.noTarget("push").increment();
            t.finishWithoutSend(false);
            return;
        }
        PushMsg m = t.message();
        PushMsgReq req = CometRequests.push(m, keys, frame, requestId(), m.getMember());
        t.awaitSends(1);
        links.send(c, Send.Kind.PUSH, req, List.of(t));
    }

    private void sendBroadcast(PushTask t) {
        List<Comet> all = comets.comets();
        if (all.isEmpty()) {
            metrics.noTarget("broadcast").increment();
            t.finishWithoutSend(true);
            return;
        }
        PushMsg m = t.message();
        int speed = m.getSpeed();
        // goim splits the speed across comets: each writes to its share of the sessions per second.
        int perComet = speed <= 0 ? 0 : Math.max(1, speed / all.size());
        BroadcastReq req = CometRequests.broadcast(m, perComet, requestId());
        List<PushTask> one = List.of(t);
        t.awaitSends(all.size());
        for (int i = 0; i < all.size(); i++) {
            links.send(all.get(i), Send.Kind.BROADCAST, req, one);
        }
    }

    /**
     * The batcher's sink: a batch of a room that keeps history is sequenced first (its request follows once its
     * positions are known); any other is one request, as in goim.
     */
    private void sendRoom(RoomBatcher.Batch b) {
        List<PushTask> tasks = b.tasks();
        metrics.batchMessages().record(tasks.size());
        metrics.batchBytes().record(b.bytes());
        if (sequencer.keepsHistory(b.room())) {
            sequencer.sequence(b.room(), tasks);
        } else {
            sendRoomRequest(b.room(), tasks, PushFrameEncoder.batch(tasks, b.bytes()), null);
        }
    }

    /** One room request (position null: none) to every comet that may host the room. */
    private void sendRoomRequest(String room, List<PushTask> tasks, Proto frames, StreamPosition position) {
        List<Comet> all = comets.comets();
        List<Comet> targets = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Comet c = all.get(i);
            if (!filterRooms || c.mayHost(room)) {
                targets.add(c);
            }
        }
        if (targets.isEmpty()) {
            metrics.noTarget("room").increment(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).finishWithoutSend(true);
            }
            return;
        }
        BroadcastRoomReq built = CometRequests.room(room, tasks, frames, position, requestId());
        for (int i = 0; i < tasks.size(); i++) {
            tasks.get(i).awaitSends(targets.size());
        }
        for (int i = 0; i < targets.size(); i++) {
            links.send(targets.get(i), Send.Kind.ROOM, built, tasks);
        }
    }

    /** Finds the member's devices, then pushes to each comet holding one, except the sender's device. */
    private void resolve(PushTask t) {
        gate = true;
        CompletableFuture<Map<String, String>> lookup;
        try {
            lookup = sessions.keysByMids(List.of(t.memberId()));
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        lookup.orTimeout(policy.deadlineMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((routes, error) -> lane.execute(() -> resolved(t, routes, error)));
    }

    private void resolved(PushTask t, Map<String, String> routes, Throwable error) {
        try {
            if (error != null) {
                metrics.failures("sessions", "push", Rpc.toJgoim(error).code().name()).increment();
                t.finishWithoutSend(false);
                return;
            }
            Map<String, List<String>> byServer = new HashMap<>();
            for (Map.Entry<String, String> e : routes.entrySet()) {
                if (!e.getKey().equals(t.excludedKey())) {
                    byServer.computeIfAbsent(e.getValue(), s -> new ArrayList<>()).add(e.getKey());
                }
            }
            if (byServer.isEmpty()) {
                metrics.noTarget("push").increment();
                t.finishWithoutSend(true);
                return;
            }
            sendToDevices(t, byServer);
        } finally {
            gate = false;
            PushTask next;
            while (!gate && (next = gated.poll()) != null) {
                routeSafely(next);
            }
        }
    }

    /** One push request per comet holding some of the member's devices; a comet not known fails the task. */
    private void sendToDevices(PushTask t, Map<String, List<String>> byServer) {
        Proto frame = PushFrameEncoder.single(t.message());
        List<Comet> targets = new ArrayList<>(byServer.size());
        List<List<String>> keys = new ArrayList<>(byServer.size());
        for (Map.Entry<String, List<String>> e : byServer.entrySet()) {
            Comet c = comets.comet(e.getKey());
            if (c == null) {
                metrics.noTarget("push").increment();
                t.markUndeliverable();
            } else {
                targets.add(c);
                keys.add(e.getValue());
            }
        }
        if (targets.isEmpty()) {
            t.finishWithoutSend(false);
            return;
        }
        t.awaitSends(targets.size());
        List<PushTask> one = List.of(t);
        for (int i = 0; i < targets.size(); i++) {
            // A play-history event goes to a member's devices (no position: it is not sequenced).
            PushMsgReq req = CometRequests.push(t.message(), keys.get(i), frame, requestId(), true);
            links.send(targets.get(i), Send.Kind.PUSH, req, one);
        }
    }
}
