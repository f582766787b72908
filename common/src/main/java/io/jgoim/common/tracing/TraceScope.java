package io.jgoim.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * Makes a span current on this thread and puts its ids in the SLF4J MDC ({@value Tracing#MDC_TRACE_ID},
 * {@value Tracing#MDC_SPAN_ID}) so log lines written meanwhile carry them; {@link #close()} restores what was there.
 * Use with try-with-resources on the thread that opened it. Callers open one only when tracing is enabled.
 */
public final class TraceScope implements AutoCloseable {
    private final Scope scope;
    private final String previousTrace;
    private final String previousSpan;

    private TraceScope(Context context) {
        this.scope = context.makeCurrent();
        this.previousTrace = MDC.get(Tracing.MDC_TRACE_ID);
        this.previousSpan = MDC.get(Tracing.MDC_SPAN_ID);
        SpanContext s = Span.fromContext(context).getSpanContext();
        if (s.isValid()) {
            MDC.put(Tracing.MDC_TRACE_ID, s.getTraceId());
            MDC.put(Tracing.MDC_SPAN_ID, s.getSpanId());
        } else {
            MDC.remove(Tracing.MDC_TRACE_ID);
            MDC.remove(Tracing.MDC_SPAN_ID);
        }
    }

    /** {@code context} current until {@link #close()}. */
    public static TraceScope open(Context context) {
        return new TraceScope(context);
    }

    /** {@code span} (on top of the current context) current until {@link #close()}. */
    public static TraceScope open(Span span) {
        return new TraceScope(Context.current().with(span));
    }

    @Override
    public void close() {
        scope.close();
        restore(Tracing.MDC_TRACE_ID, previousTrace);
        restore(Tracing.MDC_SPAN_ID, previousSpan);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
