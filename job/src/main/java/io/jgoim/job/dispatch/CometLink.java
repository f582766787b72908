package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.Comet;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.Rpc;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The ordered path from one lane to one comet: at most one call in flight, the rest queued behind it, so that two
 * pushes for one room or key reach the comet in the order they were dispatched even across retries (gRPC does not
 * order concurrent calls). A failed call is retried with exponential backoff while the error is retryable, attempts
 * remain and the comet's retry budget allows; then it is counted and the queue moves on. Before each attempt the
 * comet's client-side adaptive throttle may refuse the call locally: the send then waits a backoff at the head of the
 * queue and is offered again — not an attempt, no retry budget spent, never given up for it (at-least-once) — and it
 * is one request to the throttle however often it is offered. A slow or failing comet holds only its own queue: other
 * comets' links are unaffected. Lane thread only, but for {@link #answered}.
 */
final class CometLink {
    private static final Logger log = LoggerFactory.getLogger(CometLink.class);

    private final Lane lane;
    private final CallPolicy policy;
    private final JobMetrics metrics;
    private final Comet comet;
    private final ArrayDeque<Send> queue = new ArrayDeque<>();
    private final Counter[] pushes = new Counter[Send.Kind.values().length];
    private final Counter[] calls = new Counter[Send.Kind.values().length];
    private final Counter retries;
    private final Counter delivered;
    private final Counter dropped;
    private final Counter missing;
    private final Counter throttled;
    private final Counter gathered;
    private Send inFlight;

    /** Queued sends a room gather looks at, at most (a long queue is a backlog: the first ones matter). */
    static final int GATHER_SCAN = 256;

    CometLink(Lane lane, Comet comet, CallPolicy policy, JobMetrics m) {
        this.lane = lane;
        this.comet = comet;
        this.policy = policy;
        this.metrics = m;
        m.cometLinked(comet.id());
        for (Send.Kind k : Send.Kind.values()) {
            pushes[k.ordinal()] = m.pushes(comet.id(), k.tag);
            calls[k.ordinal()] = m.calls(comet.id(), k.tag);
        }
        this.retries = m.retries(comet.id());
        this.delivered = m.sessions(comet.id(), "delivered");
        this.dropped = m.sessions(comet.id(), "dropped");
        this.missing = m.sessions(comet.id(), "missing");
        this.throttled = m.throttled(comet.id());
        this.gathered = m.counter("jgoim.job.room.calls.joined", "queued room batches joined into an earlier call of "
                + "their room while the link's previous call was in flight", "comet", comet.id());
    }

    void enqueue(Send s) {
        queue.add(s);
        pump();
    }

    /** True when the comet left the cluster and nothing is queued for it any more: the link may be forgotten. */
    boolean isRetired() {
        return comet.isRemoved() && inFlight == null && queue.isEmpty();
    }

    private void pump() {
        while (inFlight == null) {
            Send s = queue.poll();
            if (s == null) {
                return;
            }
            if (s.kind() == Send.Kind.ROOM && !queue.isEmpty() && policy.joinsRoomCalls()) {
                s = gather(s);
            }
            if (comet.isRemoved()) {
                giveUp(s, ErrorCode.UNAVAILABLE);
                continue;
            }
            comet.retryBudget().onRequest();
            launch(s);
        }
    }

    /**
     * {@code first} (a room batch not yet sent) joined with the later queued batches of its room that continue it:
     * both without position, or the next offsets of the same stream and epoch, asking the same ack. Scans at most
     * {@value #GATHER_SCAN} queued sends and stops at the first batch of the room that cannot join (room order
     * holds); sends of other rooms and kinds keep their places. The joined call keeps the first request's id (never
     * sent to this comet before) and finishes every task it carries.
     */
    private Send gather(Send first) {
        BroadcastRoomReq a = (BroadcastRoomReq) first.request();
        String room = a.getRoomId();
        boolean positioned = a.hasPosition();
        int messages = first.taskCount();
        int bytes = a.getProto().getBody().size();
        long nextOffset = positioned ? a.getPosition().getOffset() + messages : 0;
        List<Send> joined = null;
        int scanned = 0;
        for (Iterator<Send> it = queue.iterator(); it.hasNext() && scanned < GATHER_SCAN; scanned++) {
            Send s = it.next();
            if (s.kind() != Send.Kind.ROOM) {
                continue;
            }
            BroadcastRoomReq r = (BroadcastRoomReq) s.request();
            if (!r.getRoomId().equals(room)) {
                continue;
            }
            if (r.getAck() != a.getAck() || r.hasPosition() != positioned
                    || (positioned && !continues(a.getPosition(), r.getPosition(), nextOffset))
                    || messages + s.taskCount() > policy.roomCallMessages()
                    || bytes + r.getProto().getBody().size() > policy.roomCallBytes()) {
                break;
            }
            it.remove();
            if (joined == null) {
                joined = new ArrayList<>(4);
            }
            joined.add(s);
            messages += s.taskCount();
            bytes += r.getProto().getBody().size();
            nextOffset += s.taskCount();
        }
        if (joined == null) {
            return first;
        }
        List<PushTask> tasks = new ArrayList<>(messages);
        tasks.addAll(first.tasks());
        ByteString body = a.getProto().getBody();
        BroadcastRoomReq.Builder b = a.toBuilder();
        for (int i = 0; i < joined.size(); i++) {
            Send s = joined.get(i);
            BroadcastRoomReq r = (BroadcastRoomReq) s.request();
            tasks.addAll(s.tasks());
            body = body.concat(r.getProto().getBody());
            b.addAllCreatedAtMs(r.getCreatedAtMsList());
        }
        b.setProto(a.getProto().toBuilder().setBody(body));
        gathered.increment(joined.size());
        return new Send(this, Send.Kind.ROOM, b.build(), tasks);
    }

    private static boolean continues(StreamPosition first, StreamPosition next, long nextOffset) {
        return next.getEpoch() == first.getEpoch() && next.getOffset() == nextOffset
                && next.getStream().equals(first.getStream());
    }

    /** Starts (or restarts, after a backoff) the call of {@code s}, which is the in-flight send. */
    void launch(Send s) {
        inFlight = s;
        if (comet.isRemoved()) {
            inFlight = null;
            giveUp(s, ErrorCode.UNAVAILABLE);
            pump();
            return;
        }
        // A send refused locally and offered again is the same request: it counts in the throttle once per window.
        // It keeps its ticket (its random draw) while its count is in the window, so it is admitted once the refusal
        // probability falls, not by a lucky draw on one of its re-offers; a send still waiting when its count has
        // left the window is counted again with a new ticket (AdaptiveThrottle explains why).
        AdaptiveThrottle throttle = comet.throttle();
        boolean allowed;
        if (s.isRefusedLocally() && throttle.isCounted(s.countedAt())) {
            allowed = throttle.tryAgain(s.ticket());
        } else {
            s.ticket(throttle.draw(), throttle.nanoTime());
            allowed = throttle.tryAcquire(s.ticket());
        }
        if (!allowed) {
            refusedLocally(s);
            return;
        }
        s.admitted();
        s.beginAttempt();
        CompletableFuture<?> f;
        try {
            Tracing tracing = lane.tracing();
            f = tracing.enabled() ? s.callTraced(comet.service(), tracing, comet.id()) : s.call(comet.service());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.orTimeout(policy.deadlineMillis(), TimeUnit.MILLISECONDS).whenComplete(s);
    }

    /**
     * {@code s} was refused by the comet's throttle. That is not an attempt: the comet saw nothing, so it neither
     * counts against {@code retry.maxAttempts} nor spends retry budget, and a send is never given up because of
     * refusals (at-least-once holds; stop 15 counted them as attempts and gave pushes up after four). It keeps its
     * place at the head of the queue (order holds) and is offered again after a backoff that grows with its refusals
     * in a row ({@code retry.backoff} doubling to {@code retry.maxBackoff}), with its ticket, as the same request.
     * Only a comet that leaves the directory ends the wait: what is queued for it is given up as before.
     */
    private void refusedLocally(Send s) {
        throttled.increment();
        s.refusedLocally();
        s.retryAt(System.nanoTime() + policy.backoffNanos(s.refusals()));
        lane.schedule(s);
    }

    /** Any thread: {@code s} was answered; its result is handled on the lane ({@link #onResult}). */
    void answered(Send s) {
        lane.execute(s);
    }

    void onResult(Send s) {
        if (s != inFlight) {
            return; // a link closed under it; nothing to do
        }
        Throwable error = s.takeError();
        Object reply = s.takeReply();
        if (error == null) {
            comet.throttle().onAccepted();
            int ord = s.kind().ordinal();
            calls[ord].increment();
            pushes[ord].increment(s.taskCount());
            countSessions(reply, s);
            inFlight = null;
            s.finish(true, metrics);
            pump();
            return;
        }
        JgoimException e = Rpc.toJgoim(error);
        if (isAnswer(e.code())) {
            comet.throttle().onAccepted(); // the comet worked on it, even if it said no
        }
        long now = System.nanoTime();
        if (e.code().isRetryable() && policy.mayRetry(s.attempts()) && !comet.isRemoved()
                && comet.retryBudget().tryRetry(now)) {
            retries.increment();
            s.retryAt(now + policy.backoffNanos(s.attempts()));
            lane.schedule(s);
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug("{} gave up a {} after {} attempts: {}", comet, s.kind().tag, s.attempts(), e.toString());
        }
        inFlight = null;
        giveUp(s, e.code());
        pump();
    }

    /** True when a call that failed with {@code code} was still answered by a working comet. */
    private static boolean isAnswer(ErrorCode code) {
        return switch (code) {
            case UNAVAILABLE, TIMEOUT, RATE_LIMITED, SLOW_CONSUMER, OVERLOADED, INTERNAL, UNKNOWN -> false;
            default -> true;
        };
    }

    /**
     * What the comet reported: sessions written to, dropped by its slow-consumer bound, keys it does not hold. A room
     * call asked with ACCEPTED ({@code comet.roomAck}) is answered before the writes: its delivered are the members
     * the batch was handed to and its dropped 0 (the comet's own meters count what was written).
     */
    private void countSessions(Object reply, Send s) {
        int n = 0;
        if (reply instanceof PushMsgReply r) {
            n = r.getDelivered();
            dropped.increment(r.getDropped());
            missing.increment(r.getMissing());
        } else if (reply instanceof BroadcastRoomReply r) {
            n = r.getDelivered();
            dropped.increment(r.getDropped());
        } else if (reply instanceof BroadcastReply r) {
            n = r.getDelivered();
            dropped.increment(r.getDropped());
        }
        delivered.increment(n);
        if (n > 0 && s.taskCount() > 0) {
            // One call's tasks are one tenant's (one comet's keys of one push, one room's batch, one broadcast).
            metrics.tenantDelivered().of(s.tasks().get(0).message().getTenant()).increment(n);
        }
    }

    private void giveUp(Send s, ErrorCode code) {
        metrics.failures(comet.id(), s.kind().tag, code.name()).increment(s.taskCount());
        s.finish(false, metrics);
    }
}
