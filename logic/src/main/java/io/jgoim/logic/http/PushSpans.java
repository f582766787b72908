package io.jgoim.logic.http;

import io.jgoim.common.tracing.Carriers;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.protocol.ErrorCode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.AsciiString;

/**
 * The push API's server span: one per push request ({@code /goim/push/keys|mids|room|all}), the child of the
 * caller's W3C {@code traceparent} when it sent a valid one (a malformed one is ignored: a new trace begins), and
 * the parent of the Kafka produce. Its trace is returned to the caller in the {@code traceparent} and
 * {@value #TRACE_ID_HEADER} response headers (docs/push-api.md). Used only when tracing is enabled; thread-safe.
 */
final class PushSpans {
    /** The response header carrying the push's 32-hex-digit trace id. */
    static final String TRACE_ID_HEADER = "X-Trace-Id";
    private static final AsciiString TRACE_ID = AsciiString.cached(TRACE_ID_HEADER);
    private static final AsciiString TRACEPARENT = AsciiString.cached(Tracing.TRACEPARENT);

    private final Tracing tracing;

    PushSpans(Tracing tracing) {
        this.tracing = tracing;
    }

    /** True for the routes that publish a push (not the ack read). */
    static boolean traces(Route route) {
        return route == Route.PUSH_KEYS || route == Route.PUSH_MIDS || route == Route.PUSH_ROOM
                || route == Route.PUSH_ALL;
    }

    /**
     * Starts the span of {@code route}'s request under the caller's trace context, if any. A request without a
     * {@code traceparent} (the usual case) is decided at the sampling ratio first, so an unsampled one costs no SDK
     * span ({@link Tracing#unsampledRoot()}).
     */
    Span start(Route route, FullHttpRequest request) {
        Context parent;
        if (request.headers().contains(TRACEPARENT)) {
            parent = Tracing.extract(request.headers(), Carriers.HTTP_HEADERS); // malformed: root, a new trace
        } else if (tracing.sampleNewTrace()) {
            parent = Tracing.sampledRoot();
        } else {
            return Tracing.unsampledRoot();
        }
        Span span = tracing.tracer().spanBuilder(route.spanName()).setParent(parent).setSpanKind(SpanKind.SERVER)
                .startSpan();
        if (span.isRecording()) { // attributes of an unsampled span would be built and thrown away
            span.setAttribute("http.request.method", "POST").setAttribute("url.path", route.path());
        }
        return span;
    }

    /** Ends {@code span} with the API's code and tells the caller its trace in the response headers. */
    static FullHttpResponse finish(Span span, ErrorCode code, FullHttpResponse response) {
        if (span.isRecording()) {
            span.setAttribute("jgoim.code", code.code());
            if (code != ErrorCode.OK) {
                span.setStatus(StatusCode.ERROR, code.name());
            }
        }
        span.end();
        // one array holds both values: the trace id is a view of the traceparent's digits (no strings built); an
        // unsampled root's array is the one its Kafka record header already carries
        byte[] traceparent = Tracing.traceparentBytes(span.getSpanContext());
        response.headers().set(TRACEPARENT, new AsciiString(traceparent, false));
        response.headers().set(TRACE_ID, new AsciiString(traceparent, 3, 32, false));
        return response;
    }
}
