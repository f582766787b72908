package io.jgoim.logic.push;

import io.jgoim.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * The Kafka record headers that carry the current trace context ({@code traceparent}), or null when no span is
 * current (tracing off, or a caller outside any trace): such a record has no header at all, as before tracing.
 * Stateless.
 */
final class TraceHeaders {
    private static final TextMapSetter<Headers> SETTER =
            (headers, key, value) -> headers.add(key, value.getBytes(StandardCharsets.US_ASCII));

    private TraceHeaders() {
    }

    static Headers ofCurrent() {
        Context now = Context.current();
        SpanContext span = Span.fromContext(now).getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        if (span.getTraceState().isEmpty()) { // the common case: the traceparent alone, its bytes written directly
            Header traceparent = new RecordHeader(Tracing.TRACEPARENT, Tracing.traceparentBytes(span));
            return new RecordHeaders(new Header[] {traceparent});
        }
        Headers h = new RecordHeaders(); // a caller's tracestate travels too
        Tracing.inject(now, h, SETTER);
        return h;
    }
}
