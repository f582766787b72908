package io.jgoim.common.tracing;

import io.jgoim.protocol.rpc.ForwardingLogicService;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import java.util.concurrent.CompletableFuture;

/**
 * The auth path as spans: a {@link LogicService} whose {@code connect} runs in a span ({@code Logic/Connect}) of
 * the given kind: CLIENT on the comet (its context goes to logic in the gRPC metadata), SERVER on logic (the child of
 * the comet's; it covers the token check and the session's routes written to Redis). Other calls pass through
 * untraced: they are per-session chatter (heartbeats) or already inside a push's trace. Wrap only when tracing is
 * enabled ({@link #wrap}). Thread-safe as the delegate.
 */
public final class TracedConnect extends ForwardingLogicService {
    private final Tracing tracing;
    private final SpanKind kind;

    private TracedConnect(LogicService delegate, Tracing tracing, SpanKind kind) {
        super(delegate);
        this.tracing = tracing;
        this.kind = kind;
    }

    /** {@code logic} itself when tracing is off. */
    public static LogicService wrap(LogicService logic, Tracing tracing, SpanKind kind) {
        return tracing.enabled() ? new TracedConnect(logic, tracing, kind) : logic;
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq request) {
        Span span = tracing.tracer().spanBuilder("Logic/Connect").setSpanKind(kind)
                .setAttribute("rpc.system", "grpc").setAttribute("rpc.method", "Connect")
                .setAttribute("jgoim.comet.id", request.getServer())
                .startSpan();
        CompletableFuture<ConnectReply> f;
        try (TraceScope s = TraceScope.open(span)) {
            f = delegate.connect(request);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.toString()).end();
            throw e;
        }
        return f.whenComplete((r, e) -> {
            if (e != null) {
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            } else if (r.getErrorCode() != 0) {
                span.setAttribute("jgoim.auth.error_code", r.getErrorCode());
            }
            span.end();
        });
    }
}
