package io.jgoim.job.dispatch;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.Comet;
import io.jgoim.job.comet.CometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.Rpc;
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
import java.util.concurrent.TimeUnit;

/**
 * What a lane's tasks become: a PUSH is one request to the comet that holds its keys, a ROOM message joins its room's
 * batch ({@link RoomBatcher}) whose request goes to every comet that may host the room, a BROADCAST is one request to
 * every comet, and a push to a member's devices is looked up in the session directory first, holding the lane's later
 * tasks until the answer (order per member). A room batch whose room keeps history gets its stream positions first
 * ({@link RoomSequencer}), and so does a broadcast when the broadcast stream keeps history (one append per
 * broadcast on the one lane that holds them all); a member push carries the position logic gave its record. The
 * {@link RequestSender} gives each request one request id and queues it on the {@link CometLink} of each target comet
 * ({@link CometLinks}). One router per {@link Lane}; lane thread only.
 */
final class PushRouter {
    private static final String BROADCAST = io.jgoim.protocol.stream.StreamPosition.BROADCAST;
    private static final Logger log = LoggerFactory.getLogger(PushRouter.class);

    private final Lane lane;
    private final JobMetrics metrics;
    private final CallPolicy policy;
    private final RequestSender sender;
    private final CometDirectory comets;
    private final SessionDirectory sessions;
    private final CometLinks links;
    private final RoomBatcher batcher;
    private final RoomSequencer sequencer;
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
        this.sender = new RequestSender(comets, links, metrics,
                config.comet().filterRooms() && comets.isRemote(), config.comet().roomsAnsweredAccepted()
                        ? BroadcastRoomReq.Ack.ACCEPTED : BroadcastRoomReq.Ack.WRITTEN);
        JobConfig.BatchConfig b = config.batch();
        this.batcher = new RoomBatcher(b.size(), b.window().toNanos(), b.maxBytes(), this::sendRoom);
        this.sequencer = new RoomSequencer(lane, history, config.history().streams(),
                config.history().appendTimeout().toMillis(), metrics, this::sendSequenced);
        this.waitForCometsNanos = config.comet().waitForComets().toNanos();
        this.waits = metrics.counter("jgoim.job.push.waits", "times a lane held its pushes because no comet was known",
                "reason", "no_comets");
    }

    /** A task arrives (in dispatch order). */
    void accept(PushTask t) {
        metrics.tenantPushes().of(t.message().getTenant()).increment(); // one map lookup per push, not per session
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
                sender.push(t, m.getServer(), m.getKeysList(), PushFrameEncoder.single(m));
                break;
            case ROOM:
                batcher.add(t, PushFrameEncoder.frameLength(m), System.nanoTime());
                break;
            default:
                if (sequencer.keepsHistory(BROADCAST)) {
                    // One lane holds every broadcast (record key "broadcast"): the ordering point of every tenant's
                    // broadcast stream. A declared tenant's is its own (<tenant><US>broadcast, docs/operations.md,
                    // Tenants): numbered and stored apart from the default tenant's.
                    sequencer.sequence(m.getTenant().isEmpty() ? BROADCAST
                            : io.jgoim.protocol.stream.StreamPosition.broadcastStream(m.getTenant()), List.of(t));
                } else {
                    sender.broadcast(t, PushFrameEncoder.single(t.message()), null);
                }
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

    /** The sequencer's sink: a sequenced broadcast goes to every comet, a room batch to the room's comets. */
    private void sendSequenced(String stream, List<PushTask> tasks, Proto frames, StreamPosition position) {
        if (io.jgoim.protocol.stream.StreamPosition.isBroadcastStream(stream)) {
            for (int i = 0; i < tasks.size(); i++) { // one task per broadcast
                sender.broadcast(tasks.get(i), tasks.size() == 1 ? frames : PushFrameEncoder.single(tasks.get(i)
                        .message()), tasks.size() == 1 ? position : null);
            }
        } else {
            sender.room(stream, tasks, frames, position);
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
            sender.room(b.room(), tasks, PushFrameEncoder.batch(tasks, b.bytes()), null);
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
            PushMsgReq req = PushMsgReq.newBuilder().addAllKeys(keys.get(i)).setProto(frame)
                    .setProtoOp(t.message().getOperation()).setRequestId(sender.requestId())
                    // A play-history event goes to a member's devices (no position: it is not sequenced).
                    .setCreatedAtMs(t.message().getCreatedAtMs()).setMember(true).build();
            links.send(targets.get(i), Send.Kind.PUSH, req, one);
        }
    }
}
