package io.jgoim.common.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Makes a span current on this thread until {@link #close()} restores what was current before. Log lines written
 * meanwhile carry its ids: the log encoder reads the current span when it writes a line
 * ({@link io.jgoim.common.logging.NodeLogEncoder}), so opening a scope touches no MDC (two puts and two restores
 * per push were a measurable share of logic's HTTP loop, for lines that are almost never written). Use with
 * try-with-resources on the thread that opened it. Callers open one only when tracing is enabled.
 */
public final class TraceScope implements AutoCloseable {
    private final Scope scope;

    private TraceScope(Context context) {
        this.scope = context.makeCurrent();
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
    }
}
