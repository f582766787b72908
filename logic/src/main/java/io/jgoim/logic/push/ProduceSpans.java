package io.jgoim.logic.push;

import io.jgoim.common.tracing.TraceScope;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The Kafka produce span of one published record: a PRODUCER child of the current span (the push API's), current
 * while the publisher takes the record, so {@link KafkaPushPublisher} writes its context into the record's
 * {@code traceparent} header; it ends when Kafka acknowledged the record (or refused it). Used only when tracing is
 * enabled; thread-safe. A push whose API span is not sampled gets no produce span ({@link Tracing#notSampled}).
 */
final class ProduceSpans {
    private final Tracing tracing;

    ProduceSpans(Tracing tracing) {
        this.tracing = tracing;
    }

    CompletableFuture<Void> publish(PushPublisher bus, String recordKey, PushMsg msg) {
        if (Tracing.notSampled(Context.current())) {
            return bus.publish(recordKey, msg); // the record carries the push API span's "not sampled" context
        }
        Span span = tracing.tracer().spanBuilder("kafka produce").setSpanKind(SpanKind.PRODUCER).startSpan();
        if (span.isRecording()) {
            span.setAttribute("messaging.system", "kafka").setAttribute("jgoim.push.type", msg.getType().name());
        }
        CompletableFuture<Void> f;
        try (TraceScope s = TraceScope.open(span)) {
            f = bus.publish(recordKey, msg);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.toString()).end();
            throw e;
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                span.setStatus(StatusCode.ERROR, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            span.end();
        });
        return f;
    }

    /**
     * {@code fn} run in the context current now (a continuation on a Redis thread keeps the push's trace); as it
     * is when no span is current (tracing off), so no wrapper is allocated then.
     */
    static <T, R> Function<T, R> inCurrent(Function<T, R> fn) {
        Context now = Context.current();
        return now == Context.root() ? fn : now.wrapFunction(fn);
    }
}
