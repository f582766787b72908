package io.jgoim.comet.push;

import io.jgoim.common.tracing.GrpcTracing;
import io.jgoim.common.tracing.TraceScope;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The comet's fan-out as spans: ONE SERVER span per call from job (so one per push, or per room batch, per comet),
 * the child of job's call span whose context arrived in the gRPC metadata, with the recipient count
 * ({@code jgoim.recipients} = sessions written to + dropped by the slow-consumer bound) set when the frame was
 * handed to the sessions' event loops. Never a span per session: the sessions' writes are not traced. Used only when
 * tracing is enabled ({@link #grpcService}); thread-safe as the delegate. Only a call under a SAMPLED caller is a span;
 * any other is handed to the delegate as it is, with nothing read or allocated for tracing.
 */
public final class TracedCometService implements CometService {
    private final CometService delegate;
    private final Tracing tracing;

    private TracedCometService(CometService delegate, Tracing tracing) {
        this.delegate = delegate;
        this.tracing = tracing;
    }

    /** The comet's gRPC service: traced (metadata read, fan-out spans) when tracing is enabled, else as before. */
    public static ServerServiceDefinition grpcService(CometService push, Tracing tracing) {
        if (!tracing.enabled()) {
            return new CometGrpcService(push).bindService();
        }
        return ServerInterceptors.intercept(new CometGrpcService(new TracedCometService(push, tracing)),
                GrpcTracing.sampledOnly());
    }

    /** {@code push} itself when tracing is off, else its fan-outs in spans (standalone's direct calls). */
    public static CometService wrap(CometService push, Tracing tracing) {
        return tracing.enabled() ? new TracedCometService(push, tracing) : push;
    }

    @Override
    public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq request) {
        if (!sampledCaller()) {
            return delegate.pushMsg(request);
        }
        Span span = start("comet fan-out PushMsg", "PushMsg");
        if (span.isRecording()) {
            span.setAttribute("jgoim.keys", request.getKeysCount());
        }
        return finish(span, () -> delegate.pushMsg(request), r -> r.getDelivered(), r -> r.getDropped());
    }

    @Override
    public CompletableFuture<BroadcastReply> broadcast(BroadcastReq request) {
        if (!sampledCaller()) {
            return delegate.broadcast(request);
        }
        return finish(start("comet fan-out Broadcast", "Broadcast"), () -> delegate.broadcast(request), r -> r.getDelivered(),
                r -> r.getDropped());
    }

    @Override
    public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq request) {
        if (!sampledCaller()) {
            return delegate.broadcastRoom(request);
        }
        Span span = start("comet fan-out BroadcastRoom", "BroadcastRoom");
        if (span.isRecording()) {
            span.setAttribute("jgoim.room", request.getRoomId());
            // accepted: the span ends when the loops took the batch, its counts are the members it was handed to
            span.setAttribute("jgoim.ack",
                    request.getAck() == BroadcastRoomReq.Ack.ACCEPTED ? "accepted" : "written");
        }
        return finish(span, () -> delegate.broadcastRoom(request), r -> r.getDelivered(), r -> r.getDropped());
    }

    @Override
    public CompletableFuture<RoomsReply> rooms(RoomsReq request) {
        return delegate.rooms(request);
    }

    /**
     * Whether job's call span (its context current: from the gRPC metadata, or standalone's direct call) is sampled.
     * The comet never starts a trace of its own for a push: job decided, and an unsampled call is not recorded.
     */
    private static boolean sampledCaller() {
        return Span.current().getSpanContext().isSampled();
    }

    private Span start(String name, String method) {
        Span span = tracing.tracer().spanBuilder(name).setSpanKind(SpanKind.SERVER).startSpan();
        if (span.isRecording()) { // attributes of an unsampled span would be built and thrown away
            span.setAttribute("rpc.system", "grpc").setAttribute("rpc.method", method);
        }
        return span;
    }

    private static <R> CompletableFuture<R> finish(Span span, Supplier<CompletableFuture<R>> call,
                                                   java.util.function.ToIntFunction<R> delivered,
                                                   java.util.function.ToIntFunction<R> dropped) {
        CompletableFuture<R> f;
        try (TraceScope s = TraceScope.open(span)) {
            f = call.get();
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.toString()).end();
            throw e;
        }
        return f.whenComplete((r, e) -> {
            if (!span.isRecording()) {
                span.end();
                return;
            }
            if (e != null) {
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            } else {
                int d = delivered.applyAsInt(r);
                int x = dropped.applyAsInt(r);
                span.setAttribute("jgoim.recipients", d + x);
                span.setAttribute("jgoim.delivered", d);
                span.setAttribute("jgoim.dropped", x);
            }
            span.end();
        });
    }
}
