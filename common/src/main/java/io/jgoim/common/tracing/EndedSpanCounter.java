package io.jgoim.common.tracing;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/** Counts sampled spans as they end (before the export queue), so queue losses show as a gap. Any thread. */
final class EndedSpanCounter implements SpanProcessor {
    private final Counter ended;

    EndedSpanCounter(Counter ended) {
        this.ended = ended;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (span.getSpanContext().isSampled()) {
            ended.increment();
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }
}
