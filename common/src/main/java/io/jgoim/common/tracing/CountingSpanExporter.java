package io.jgoim.common.tracing;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.Collection;

/**
 * Counts what the real exporter did with each batch: exported, or dropped (the collector refused it, was down, or
 * did not answer within the export timeout). The batch processor's thread only; the delegate is owned.
 */
final class CountingSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final Counter exported;
    private final Counter dropped;

    CountingSpanExporter(SpanExporter delegate, Counter exported, Counter dropped) {
        this.delegate = delegate;
        this.exported = exported;
        this.dropped = dropped;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int n = spans.size();
        CompletableResultCode result;
        try {
            result = delegate.export(spans);
        } catch (RuntimeException e) {
            dropped.increment(n);
            return CompletableResultCode.ofFailure();
        }
        result.whenComplete(() -> (result.isSuccess() ? exported : dropped).increment(n));
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
