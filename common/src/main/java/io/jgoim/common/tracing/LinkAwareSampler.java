package io.jgoim.common.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

import java.util.List;

/**
 * The root sampler: a new trace is recorded at the configured ratio, except a root span that links to a sampled
 * span (job's call carrying a batch of pushes), which is always recorded so a sampled push never loses its fan-out,
 * and a root started under {@link Tracing#sampledRoot()}, whose caller already drew at the ratio.
 * Wrapped parent-based: a span with a parent (a caller's {@code traceparent}, or one of ours) follows its parent.
 */
final class LinkAwareSampler implements Sampler {
    private final Sampler ratio;

    private LinkAwareSampler(double ratio) {
        this.ratio = Sampler.traceIdRatioBased(ratio);
    }

    static Sampler parentBased(double ratio) {
        return Sampler.parentBased(new LinkAwareSampler(ratio));
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                       Attributes attributes, List<LinkData> parentLinks) {
        if (parentContext.get(Tracing.SAMPLED_ROOT) != null) {
            return SamplingResult.create(SamplingDecision.RECORD_AND_SAMPLE); // decided by Tracing.sampleNewTrace
        }
        for (int i = 0; i < parentLinks.size(); i++) {
            if (parentLinks.get(i).getSpanContext().isSampled()) {
                return SamplingResult.create(SamplingDecision.RECORD_AND_SAMPLE);
            }
        }
        return ratio.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "LinkAware{" + ratio.getDescription() + "}";
    }
}
