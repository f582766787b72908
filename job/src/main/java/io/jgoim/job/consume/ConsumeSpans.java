package io.jgoim.job.consume;

import io.jgoim.common.tracing.TraceScope;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.job.dispatch.PushDispatcher;
import io.jgoim.job.dispatch.PushTask;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A consumed record's spans: the CONSUMER span {@code kafka consume}, the child of logic's produce span when the
 * record carries a {@code traceparent} header (a record without one, or with a malformed one, starts a new trace), and
 * under it the task's {@code job dispatch} span, which lasts until the comets took the push (the task ends it).
 * A record whose {@code traceparent} says "not sampled" gets neither span, and nothing is parsed or allocated for it
 * ({@link Tracing#sampledFlag}): that is the 99 % of pushes at the default ratio. Consumer thread only; used only
 * when tracing is enabled.
 */
final class ConsumeSpans {
    static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            for (Header h : carrier) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier == null ? null : carrier.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
        }
    };

    private final Tracing tracing;

    ConsumeSpans(Tracing tracing) {
        this.tracing = tracing;
    }

    /** Dispatches {@code task} inside its record's consume span, the task carrying its dispatch span. */
    void dispatch(ConsumerRecord<?, ?> rec, PushTask task, PushDispatcher dispatcher) {
        Header traceparent = rec.headers().lastHeader(Tracing.TRACEPARENT);
        if (traceparent != null && Tracing.sampledFlag(traceparent.value()) == 0) {
            // not sampled where the push entered: nothing below it is recorded (every node samples parent-based), so
            // no span here, and the task's comet calls carry no context (the comet records only sampled callers)
            dispatcher.dispatch(task);
            return;
        }
        Context parent = Tracing.extract(rec.headers(), HEADERS);
        Span consume = tracing.tracer().spanBuilder("kafka consume").setParent(parent)
                .setSpanKind(SpanKind.CONSUMER).startSpan();
        if (consume.isRecording()) { // attributes of an unsampled span would be built and thrown away
            consume.setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.destination.name", rec.topic())
                    .setAttribute("messaging.destination.partition.id", Integer.toString(rec.partition()))
                    .setAttribute("messaging.kafka.offset", rec.offset());
        }
        try (TraceScope s = TraceScope.open(consume)) {
            Span dispatch = tracing.tracer().spanBuilder("job dispatch").startSpan();
            if (dispatch.isRecording()) {
                dispatch.setAttribute("jgoim.push.type", task.message().getType().name());
            }
            dispatcher.dispatch(task.traced(dispatch));
        } finally {
            consume.end();
        }
    }
}
