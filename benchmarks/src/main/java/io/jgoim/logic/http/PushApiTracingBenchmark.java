package io.jgoim.logic.http;

import io.jgoim.common.tracing.Carriers;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Issue 15: the tracing work logic's HTTP event loop does per push at the default 1 % sampling, with Logback bound
 * (its MDC is real here, as in the server jar; {@code TracingBenchmark} runs with SLF4J's no-op MDC). Per push: the
 * API span, the scope current while the push is published (with the produce step's "not sampled" test and the
 * record's {@code traceparent} bytes), the span's end and the two response headers. {@code code}: {@code off} (the
 * response alone: the baseline to subtract), {@code before} (stop 16's code, inlined: SDK span builder for every
 * push, MDC put/restore in the scope, String headers) and {@code after} (the code as it is: {@link PushSpans},
 * the span made current as {@code ApiService} does). The exporter endpoint is closed (sampled spans are queued and dropped). In this package to
 * call {@link PushSpans} as {@code ApiService} does.
 */
@org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
public class PushApiTracingBenchmark {
    @Param({"off", "before", "after"})
    public String code;

    private Tracing tracing;
    private PushSpans spans;
    private FullHttpRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        tracing = Tracing.start(new TracingConfig(true, "otlp", "http://127.0.0.1:1/v1/traces", 0.01, 2048,
                Duration.ofSeconds(5)), "logic", "logic-1", new SimpleMeterRegistry());
        spans = new PushSpans(tracing);
        request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/goim/push/room?operation=1000&type=live&room=1000");
        request.headers().set("content-type", "application/octet-stream").set("host", "127.0.0.1:3111");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        request.release();
        tracing.close();
    }

    @Benchmark
    public Object onePush() {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        switch (code) {
            case "after": {
                Span span = spans.start(Route.PUSH_ROOM, request);
                byte[] record;
                try (Scope s = Context.current().with(span).makeCurrent()) { // as ApiService.serveTraced
                    record = produce();
                }
                PushSpans.finish(span, ErrorCode.OK, r);
                return record;
            }
            case "before": {
                Span span = tracing.tracer().spanBuilder(Route.PUSH_ROOM.spanName())
                        .setParent(Tracing.extract(request.headers(), Carriers.HTTP_HEADERS))
                        .setSpanKind(SpanKind.SERVER).startSpan();
                if (span.isRecording()) {
                    span.setAttribute("http.request.method", "POST").setAttribute("url.path", "/goim/push/room");
                }
                byte[] record;
                try (MdcScope s = new MdcScope(span)) {
                    record = produce();
                }
                if (span.isRecording()) {
                    span.setAttribute("jgoim.code", 0);
                }
                span.end();
                r.headers().set(Tracing.TRACEPARENT, Tracing.traceparent(span.getSpanContext()));
                r.headers().set(PushSpans.TRACE_ID_HEADER, span.getSpanContext().getTraceId());
                return record;
            }
            default:
                return r;
        }
    }

    /** The produce step of an unsampled push: the test, then the record header's bytes (TraceHeaders). */
    private static byte[] produce() {
        Context now = Context.current();
        if (!Tracing.notSampled(now)) {
            return null; // the 1 %: a produce span would follow (not measured here)
        }
        SpanContext s = Span.fromContext(now).getSpanContext();
        return Tracing.traceparentBytes(s);
    }

    /** Stop 16's TraceScope: the span current and its ids in the MDC, both restored at close. */
    private static final class MdcScope implements AutoCloseable {
        private final Scope scope;
        private final String previousTrace;
        private final String previousSpan;

        MdcScope(Span span) {
            scope = Context.current().with(span).makeCurrent();
            previousTrace = MDC.get(Tracing.MDC_TRACE_ID);
            previousSpan = MDC.get(Tracing.MDC_SPAN_ID);
            MDC.put(Tracing.MDC_TRACE_ID, span.getSpanContext().getTraceId());
            MDC.put(Tracing.MDC_SPAN_ID, span.getSpanContext().getSpanId());
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
}
