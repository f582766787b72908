package io.jgoim.job.dispatch;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ordered dispatch lane and its thread: every room or key hashes to exactly one lane, which turns its tasks into
 * comet calls in arrival order. It owns a {@link RoomBatcher}, one {@link CometLink} per comet, and the retry timers;
 * its duty cycle drains the inbox (tasks from the producer, replies from comets), fires due timers and flushes due
 * batches. Everything but {@link #execute} runs on the lane thread, so the lane's state needs no locks.
 */
final class Lane implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Lane.class);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int DRAIN_LIMIT = 256;

    final JobMetrics metrics;
    final long callDeadlineMillis;
    final int maxAttempts;
    private final long backoffNanos;
    private final long maxBackoffNanos;
    private final boolean filterRooms;
    private final CometDirectory comets;
    private final SessionDirectory sessions;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final PriorityQueue<Send> timers = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    private final Map<Comet, CometLink> links = new HashMap<>();
    private final RoomBatcher batcher;
    /**
     * The next request id: one id per built request, the same on each retry and for every comet it goes to (each
     * comet answers a repeated id from its first attempt instead of delivering twice). Starts at a random 64-bit value
     * per lane, so lanes and job instances do not reuse each other's ids within any comet's memory of them.
     */
    private long nextRequestId = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    /** While a member push waits for its devices, later tasks of this lane wait behind it (order per member). */
    private final ArrayDeque<PushTask> gated = new ArrayDeque<>();
    private boolean gate;
    private final Thread thread;
    private volatile boolean running = true;

    Lane(int index, JobConfig config, CometDirectory comets, SessionDirectory sessions, JobMetrics metrics) {
        this.metrics = metrics;
        this.comets = comets;
        this.sessions = sessions;
        this.callDeadlineMillis = config.comet().callDeadline().toMillis();
        this.filterRooms = config.comet().filterRooms() && comets.isRemote();
        this.maxAttempts = config.retry().maxAttempts();
        this.backoffNanos = config.retry().backoff().toNanos();
        this.maxBackoffNanos = config.retry().maxBackoff().toNanos();
        JobConfig.BatchConfig b = config.batch();
        this.batcher = new RoomBatcher(b.size(), b.window().toNanos(), b.maxBytes(), this::sendRoom);
        this.thread = new Thread(this, "job-lane-" + index);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Any thread: runs {@code r} on this lane. */
    void execute(Runnable r) {
        inbox.add(r);
    }

    /** Stops the thread; pending work is dropped (the caller waited for it or is crashing). */
    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                long now = System.nanoTime();
                fireTimers(now);
                batcher.flushDue(now);
                long next = Math.min(timers.isEmpty() ? Long.MAX_VALUE : timers.peek().dueNanos,
                        batcher.nextDeadline());
                long park = next == Long.MAX_VALUE ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, next - now);
                Runnable r = park <= 0 ? inbox.poll() : inbox.poll(park, TimeUnit.NANOSECONDS);
                int n = 0;
                while (r != null) {
                    r.run();
                    if (++n == DRAIN_LIMIT) {
                        break;
                    }
                    r = inbox.poll();
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                log.error("lane {} task failed", thread.getName(), e);
            }
        }
    }

    private void fireTimers(long now) {
        Send s;
        while ((s = timers.peek()) != null && s.dueNanos - now <= 0) {
            timers.poll();
            s.link.launch(s);
        }
    }

    void schedule(Send s) {
        timers.add(s);
    }

    long backoffNanos(int attempt) {
        long b = backoffNanos << Math.min(attempt - 1, 20);
        return Math.min(b, maxBackoffNanos);
    }

    /** Lane thread: a task arrives (in dispatch order). */
    void accept(PushTask t) {
        if (gate) {
            gated.add(t);
            return;
        }
        processSafely(t);
    }

    /** A task that trips a bug before any send is finished as failed, so its offset cannot stay blocked. */
    private void processSafely(PushTask t) {
        try {
            process(t);
        } catch (RuntimeException e) {
            log.error("push of {} failed", t.laneKey, e);
            if (t.remaining == 0 && !gate) {
                metrics.failures("job", t.msg.getType().name().toLowerCase(Locale.ROOT), "INTERNAL")
                        .increment();
                t.finishWithoutSend(false);
            }
        }
    }

    /** Lane thread: flushes every open room batch now. */
    void flushAll() {
        batcher.flushAll();
    }

    private void process(PushTask t) {
        if (t.needsResolution()) {
            resolve(t);
            return;
        }
        PushMsg m = t.msg;
        switch (m.getType()) {
            case PUSH:
                sendPush(t, m.getServer(), m.getKeysList(), Frames.single(m));
                break;
            case ROOM:
                batcher.add(t, Frames.frameLength(m), System.nanoTime());
                break;
            default:
                sendBroadcast(t);
                break;
        }
    }

    /** Lane thread. Never 0 (0 means "no id" to a comet). */
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
        PushMsgReq req = PushMsgReq.newBuilder().addAllKeys(keys).setProto(frame)
                .setProtoOp(t.msg.getOperation()).setRequestId(requestId()).build();
        t.remaining = 1;
        CometLink l = link(c);
        l.enqueue(new Send(l, Send.Kind.PUSH, req, List.of(t)));
    }

    private void sendBroadcast(PushTask t) {
        List<Comet> all = comets.comets();
        if (all.isEmpty()) {
            metrics.noTarget("broadcast").increment();
            t.finishWithoutSend(true);
            return;
        }
        int speed = t.msg.getSpeed();
        // goim splits the speed across comets: each writes to its share of the sessions per second.
        int perComet = speed <= 0 ? 0 : Math.max(1, speed / all.size());
        BroadcastReq req = BroadcastReq.newBuilder().setProtoOp(t.msg.getOperation()).setProto(Frames.single(t.msg))
                .setSpeed(perComet).setRequestId(requestId()).build();
        List<PushTask> one = List.of(t);
        t.remaining = all.size();
        for (int i = 0; i < all.size(); i++) {
            CometLink l = link(all.get(i));
            l.enqueue(new Send(l, Send.Kind.BROADCAST, req, one));
        }
    }

    private void sendRoom(RoomBatcher.Batch b) {
        metrics.batchMessages().record(b.tasks.size());
        metrics.batchBytes().record(b.bytes);
        List<Comet> all = comets.comets();
        List<Comet> targets = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Comet c = all.get(i);
            if (!filterRooms || c.mayHost(b.room)) {
                targets.add(c);
            }
        }
        if (targets.isEmpty()) {
            metrics.noTarget("room").increment(b.tasks.size());
            for (int i = 0; i < b.tasks.size(); i++) {
                b.tasks.get(i).finishWithoutSend(true);
            }
            return;
        }
        BroadcastRoomReq req = BroadcastRoomReq.newBuilder().setRoomId(b.room)
                .setProto(Frames.batch(b.tasks, b.bytes)).setRequestId(requestId()).build();
        for (int i = 0; i < b.tasks.size(); i++) {
            b.tasks.get(i).remaining = targets.size();
        }
        for (int i = 0; i < targets.size(); i++) {
            CometLink l = link(targets.get(i));
            l.enqueue(new Send(l, Send.Kind.ROOM, req, b.tasks));
        }
    }

    /** Finds the member's devices, then pushes to each comet holding one, except the sender's device. */
    private void resolve(PushTask t) {
        gate = true;
        CompletableFuture<Map<String, String>> lookup;
        try {
            lookup = sessions.keysByMids(List.of(t.memberId));
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        lookup.orTimeout(callDeadlineMillis, TimeUnit.MILLISECONDS)
                .whenComplete((routes, error) -> execute(() -> resolved(t, routes, error)));
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
                if (!e.getKey().equals(t.excludeKey)) {
                    byServer.computeIfAbsent(e.getValue(), s -> new ArrayList<>()).add(e.getKey());
                }
            }
            if (byServer.isEmpty()) {
                metrics.noTarget("push").increment();
                t.finishWithoutSend(true);
                return;
            }
            Proto frame = Frames.single(t.msg);
            List<Comet> targets = new ArrayList<>(byServer.size());
            List<List<String>> keys = new ArrayList<>(byServer.size());
            for (Map.Entry<String, List<String>> e : byServer.entrySet()) {
                Comet c = comets.comet(e.getKey());
                if (c == null) {
                    metrics.noTarget("push").increment();
                    t.failed = true;
                } else {
                    targets.add(c);
                    keys.add(e.getValue());
                }
            }
            if (targets.isEmpty()) {
                t.finishWithoutSend(false);
                return;
            }
            t.remaining = targets.size();
            List<PushTask> one = List.of(t);
            for (int i = 0; i < targets.size(); i++) {
                PushMsgReq req = PushMsgReq.newBuilder().addAllKeys(keys.get(i)).setProto(frame)
                        .setProtoOp(t.msg.getOperation()).setRequestId(requestId()).build();
                CometLink l = link(targets.get(i));
                l.enqueue(new Send(l, Send.Kind.PUSH, req, one));
            }
        } finally {
            gate = false;
            PushTask next;
            while (!gate && (next = gated.poll()) != null) {
                processSafely(next);
            }
        }
    }

    /** Lane thread: one send that carried {@code t} is over. */
    void sendDone(PushTask t, boolean ok) {
        if (!ok) {
            t.failed = true;
        }
        if (--t.remaining == 0) {
            if (!t.failed) {
                metrics.pushAge(t.msg.getCreatedAtMs(), System.currentTimeMillis());
            }
            t.listener.onDone(t, !t.failed);
        }
    }

    private CometLink link(Comet c) {
        CometLink l = links.get(c);
        if (l == null) {
            if (links.size() > 64) {
                links.values().removeIf(x -> x.comet.isRemoved() && x.isIdle());
            }
            l = new CometLink(this, c);
            links.put(c, l);
        }
        return l;
    }
}
