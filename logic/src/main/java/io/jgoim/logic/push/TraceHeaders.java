package io.jgoim.logic.push;

import io.jgoim.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.apache.kafka.common.header.Headers;
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
        if (!Span.fromContext(now).getSpanContext().isValid()) {
            return null;
        }
        Headers h = new RecordHeaders();
        Tracing.inject(now, h, SETTER);
        return h;
    }
}
