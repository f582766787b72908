package io.jgoim.common.tracing;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.Collection;
import java.util.function.LongSupplier;

/**
 * Counts what the real exporter did with each batch: exported, or dropped (the collector refused it, was down, or
 * did not answer within the export timeout, or the exporter was pausing after such a failure: {@link
 * CollectorBackoff}, no connection attempted). The batch processor's thread only; the delegate is owned.
 */
final class CountingSpanExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final Counter exported;
    private final Counter dropped;
    private final CollectorBackoff backoff;

    CountingSpanExporter(SpanExporter delegate, Counter exported, Counter dropped, LongSupplier nanoClock) {
        this.delegate = delegate;
        this.exported = exported;
        this.dropped = dropped;
        this.backoff = new CollectorBackoff(nanoClock);
    }

    /** 1 while the last export failed and the exporter pauses before trying the collector again; else 0. */
    int failing() {
        return backoff.failing() ? 1 : 0;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int n = spans.size();
        if (!backoff.mayTry()) {
            dropped.increment(n);
            return CompletableResultCode.ofFailure();
        }
        CompletableResultCode result;
        try {
            result = delegate.export(spans);
        } catch (RuntimeException e) {
            dropped.increment(n);
            backoff.failed();
            return CompletableResultCode.ofFailure();
        }
        // completes on the sender's thread while the batch processor waits for it (at most the export timeout)
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                exported.increment(n);
                backoff.succeeded();
            } else {
                dropped.increment(n);
                backoff.failed();
            }
        });
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
