package io.jgoim.job.dispatch;

import io.jgoim.common.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;

import java.util.List;

/**
 * The CLIENT span of one call to one comet. A call carrying one traced task is that task's child (its dispatch
 * span's); a call carrying several (a room batch) has no single parent: it starts a trace of its own and LINKS to
 * each task's dispatch span, the OpenTelemetry shape for batches, so no push's trace claims the others' fan-out. The
 * sampler records such a call whenever one linked push is recorded. A call none of whose pushes is sampled is no span
 * at all ({@link Span#getInvalid()}): job never starts a trace of its own for a comet call, and the call carries no
 * trace context, so the comet records nothing for it either. Lane thread only; stateless.
 */
final class CallSpans {
    private CallSpans() {
    }

    /** {@code spanName}: {@code "Comet/" + method}, built once per kind. */
    static Span start(Tracing tracing, String spanName, String method, String cometId, List<PushTask> tasks) {
        if (!anySampled(tasks)) {
            return Span.getInvalid(); // nothing to record: no span, no ids, and the call carries no context
        }
        SpanBuilder b = tracing.tracer().spanBuilder(spanName).setSpanKind(SpanKind.CLIENT);
        if (tasks.size() == 1) {
            Span parent = tasks.get(0).span();
            b.setParent(parent == null ? Context.root() : Context.root().with(parent));
        } else {
            b.setNoParent();
            for (int i = 0; i < tasks.size(); i++) {
                Span s = tasks.get(i).span();
                if (s != null) {
                    b.addLink(s.getSpanContext());
                }
            }
        }
        Span span = b.startSpan();
        if (span.isRecording()) { // attributes of an unsampled span would be built and thrown away
            span.setAttribute("rpc.system", "grpc").setAttribute("rpc.method", method)
                    .setAttribute("jgoim.comet.id", cometId).setAttribute("jgoim.pushes", tasks.size());
        }
        return span;
    }

    private static boolean anySampled(List<PushTask> tasks) {
        for (int i = 0; i < tasks.size(); i++) {
            Span s = tasks.get(i).span();
            if (s != null && s.getSpanContext().isSampled()) {
                return true;
            }
        }
        return false;
    }

    static void end(Span span, boolean ok, int attempts) {
        if (span.isRecording()) {
            span.setAttribute("jgoim.attempts", attempts);
        }
        if (!ok) {
            span.setStatus(StatusCode.ERROR, "comet did not take the push");
        }
        span.end();
    }
}
