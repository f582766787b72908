package io.jgoim.job.dispatch;

import com.google.protobuf.Message;
import io.jgoim.common.tracing.TraceScope;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.job.JobMetrics;
import io.opentelemetry.api.trace.Span;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReq;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One call to one comet carrying one or more tasks (a room batch carries many). The request is built once and shared
 * by the sends of every comet. Its completion hops back to the lane thread by enqueuing the send itself, and a retry
 * waits on the lane's timers as the send itself, so a call costs no object beyond this one. Owned by its
 * {@link CometLink}'s lane; only {@link #accept} runs on another thread.
 */
final class Send implements Runnable, BiConsumer<Object, Throwable> {
    enum Kind {
        PUSH("push", "PushMsg"), ROOM("room", "BroadcastRoom"), BROADCAST("broadcast", "Broadcast");

        final String tag;
        final String rpcMethod;
        final String spanName;

        Kind(String tag, String rpcMethod) {
            this.tag = tag;
            this.rpcMethod = rpcMethod;
            this.spanName = "Comet/" + rpcMethod;
        }
    }

    private final CometLink link;
    private final Kind kind;
    private final Message request;
    private final List<PushTask> tasks;
    private int attempt;
    /** Local refusals of the current request in a row (0 = not refused: the next offer is a new request). */
    private int refusals;
    /** The throttle's draw for the current request, kept across its re-offers, and when it was counted. */
    private double ticket;
    private long countedAt;
    private long dueNanos;
    /** The last answer, written by the answering thread before the hop to the lane, taken on the lane. */
    private Throwable error;
    private Object reply;
    /** The call's span when traced (lane thread). */
    private Span span;

    Send(CometLink link, Kind kind, Message request, List<PushTask> tasks) {
        this.link = link;
        this.kind = kind;
        this.request = request;
        this.tasks = tasks;
    }

    Kind kind() {
        return kind;
    }

    /** The request (shared by the sends of every comet; never changed). */
    Message request() {
        return request;
    }

    /** The tasks carried, in order. */
    List<PushTask> tasks() {
        return tasks;
    }

    /** Tasks carried. */
    int taskCount() {
        return tasks.size();
    }

    /** Calls made so far. */
    int attempts() {
        return attempt;
    }

    /** True when the last offer was refused locally: the next one is the same request to the throttle. */
    boolean isRefusedLocally() {
        return refusals > 0;
    }

    /** Local refusals of the current request in a row (its backoff grows with them). */
    int refusals() {
        return refusals;
    }

    double ticket() {
        return ticket;
    }

    /** When the current request was counted in the throttle (its clock). */
    long countedAt() {
        return countedAt;
    }

    /** A new request to the throttle: its draw and when it is counted. */
    void ticket(double ticket, long countedAt) {
        this.ticket = ticket;
        this.countedAt = countedAt;
    }

    /** The throttle refused the current request once more: not an attempt (the comet saw nothing). */
    void refusedLocally() {
        refusals++;
    }

    /** The throttle admitted the current request: a later offer (a retry after a real failure) is a new request. */
    void admitted() {
        refusals = 0;
    }

    /** Counts a new attempt, before anything of it can fail. */
    void beginAttempt() {
        attempt++;
    }

    /**
     * Calls {@code comet} as {@link #call} does, inside the call's CLIENT span (opened on the first attempt, current
     * while the call starts so gRPC carries it to the comet in its metadata, ended by {@link #finish}).
     */
    CompletableFuture<?> callTraced(CometService comet, Tracing tracing, String cometId) {
        if (span == null) {
            span = CallSpans.start(tracing, kind.spanName, kind.rpcMethod, cometId, tasks);
        }
        if (!span.getSpanContext().isSampled()) {
            return call(comet); // no context: the comet records nothing for an unsampled call
        }
        try (TraceScope s = TraceScope.open(span)) {
            return call(comet);
        }
    }

    /** Calls {@code comet} with the request (the same on every attempt). */
    CompletableFuture<?> call(CometService comet) {
        switch (kind) {
            case PUSH:
                return comet.pushMsg((PushMsgReq) request);
            case ROOM:
                return comet.broadcastRoom((BroadcastRoomReq) request);
            default:
                return comet.broadcast((BroadcastReq) request);
        }
    }

    /** Any thread: the comet answered. */
    @Override
    public void accept(Object reply, Throwable failure) {
        this.error = failure;
        this.reply = reply;
        link.answered(this);
    }

    /** Lane thread: the answer arrived on the lane. */
    @Override
    public void run() {
        link.onResult(this);
    }

    /** Lane thread: the failure of the last attempt (null when it succeeded), forgotten once taken. */
    Throwable takeError() {
        Throwable e = error;
        error = null;
        return e;
    }

    /** Lane thread: the reply of the last attempt, forgotten once taken. */
    Object takeReply() {
        Object r = reply;
        reply = null;
        return r;
    }

    /** Lane thread: waits until {@code nanos} (see {@link Lane#schedule}) before {@link #retry}. */
    void retryAt(long nanos) {
        dueNanos = nanos;
    }

    long dueNanos() {
        return dueNanos;
    }

    /** Lane thread: the backoff is over; the link calls again. */
    void retry() {
        link.launch(this);
    }

    /** Lane thread: the send is over for good; each task it carried learns whether this comet took it. */
    void finish(boolean ok, JobMetrics metrics) {
        if (span != null) {
            CallSpans.end(span, ok, attempt);
        }
        for (int i = 0; i < tasks.size(); i++) {
            tasks.get(i).sendDone(ok, metrics);
        }
    }
}
