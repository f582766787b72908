package io.jgoim.logic.http;

import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The push API's span honours a caller's valid W3C traceparent, ignores a malformed one, and answers its trace. */
class PushSpansTest {
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String SPAN = "b7ad6b7169203331";

    private final InMemorySpanExporter out = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.start(new TracingConfig(true, "otlp", "http://127.0.0.1:1/v1/traces",
            0.0, 64, Duration.ofSeconds(1)), "logic", "logic-1", new SimpleMeterRegistry(), out);
    private final PushSpans spans = new PushSpans(tracing);

    @AfterEach
    void close() {
        tracing.close();
    }

    private static FullHttpRequest request(String traceparent) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/goim/push/room?operation=1000&type=live&room=1");
        if (traceparent != null) {
            r.headers().set("traceparent", traceparent);
        }
        return r;
    }

    private FullHttpResponse answered(String traceparent, ErrorCode code) {
        FullHttpRequest req = request(traceparent);
        try {
            Span span = spans.start(Route.PUSH_ROOM, req);
            return PushSpans.finish(span, code, ApiResponse.ok(null));
        } finally {
            req.release();
        }
    }

    private List<SpanData> exported() {
        tracing.flush(Duration.ofSeconds(5));
        return out.getFinishedSpanItems();
    }

    @Test
    void shouldContinueAValidSampledTraceparentAndAnswerItsTrace() {
        FullHttpResponse r = answered("00-" + TRACE + "-" + SPAN + "-01", ErrorCode.OK);
        assertThat(r.headers().get(PushSpans.TRACE_ID_HEADER)).isEqualTo(TRACE);
        assertThat(r.headers().get("traceparent")).startsWith("00-" + TRACE + "-").endsWith("-01")
                .doesNotContain(SPAN);
        r.release();
        List<SpanData> s = exported();
        assertThat(s).hasSize(1); // recorded at ratio 0: the caller's sampled flag decides
        assertThat(s.get(0).getTraceId()).isEqualTo(TRACE);
        assertThat(s.get(0).getParentSpanId()).isEqualTo(SPAN);
        assertThat(s.get(0).getName()).isEqualTo("POST /goim/push/room");
        assertThat(s.get(0).getAttributes().asMap().toString()).contains("jgoim.code=0");
    }

    @Test
    void shouldHonourAnUnsampledTraceparentByRecordingNothingButStillAnswerTheTrace() {
        FullHttpResponse r = answered("00-" + TRACE + "-" + SPAN + "-00", ErrorCode.OK);
        assertThat(r.headers().get(PushSpans.TRACE_ID_HEADER)).isEqualTo(TRACE);
        assertThat(r.headers().get("traceparent")).matches("00-" + TRACE + "-[0-9a-f]{16}-00");
        r.release();
        assertThat(exported()).isEmpty();
    }

    @Test
    void shouldIgnoreAMalformedTraceparentAndStartANewTrace() {
        for (String bad : List.of("00-" + TRACE + "-" + SPAN, "zz-" + TRACE + "-" + SPAN + "-01",
                "00-" + TRACE.substring(1) + "-" + SPAN + "-01", "00-" + "0".repeat(32) + "-" + SPAN + "-01",
                "garbage")) {
            FullHttpResponse r = answered(bad, ErrorCode.OK);
            String id = r.headers().get(PushSpans.TRACE_ID_HEADER);
            assertThat(id).as(bad).matches("[0-9a-f]{32}").isNotEqualTo(TRACE).isNotEqualTo("0".repeat(32));
            r.release();
        }
        assertThat(exported()).as("a new trace at ratio 0 is not recorded").isEmpty();
    }

    /** No traceparent: the ratio decides once; every push is told a trace whose two headers agree. */
    @Test
    void shouldStartNewTracesAtTheRatioAndAnswerThemWhetherSampledOrNot() {
        Tracing always = Tracing.start(new TracingConfig(true, "otlp", "http://127.0.0.1:1/v1/traces",
                1.0, 64, Duration.ofSeconds(1)), "logic", "logic-1", new SimpleMeterRegistry(), out);
        try {
            for (PushSpans s : List.of(spans, new PushSpans(always))) {
                FullHttpRequest req = request(null);
                FullHttpResponse r = PushSpans.finish(s.start(Route.PUSH_ROOM, req), ErrorCode.OK,
                        ApiResponse.ok(null));
                req.release();
                String id = r.headers().get(PushSpans.TRACE_ID_HEADER);
                String flags = s == spans ? "02" : "0[13]"; // W3C level 2: bit 1 says the trace id is random
                assertThat(id).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
                assertThat(r.headers().get("traceparent")).matches("00-" + id + "-[0-9a-f]{16}-" + flags)
                        .doesNotContain("-0000000000000000-");
                r.release();
            }
            always.flush(Duration.ofSeconds(5));
            List<SpanData> s = out.getFinishedSpanItems();
            assertThat(s).as("only the push drawn at ratio 1 is recorded").hasSize(1);
            assertThat(s.get(0).getParentSpanContext().isValid()).isFalse();
            assertThat(s.get(0).getKind().name()).isEqualTo("SERVER");
        } finally {
            always.close();
        }
    }

    @Test
    void shouldMarkARefusedPushAsAnError() {
        answered("00-" + TRACE + "-" + SPAN + "-01", ErrorCode.UNAVAILABLE).release();
        SpanData s = exported().get(0);
        assertThat(s.getStatus().getStatusCode().name()).isEqualTo("ERROR");
        assertThat(s.getAttributes().asMap().toString()).contains("jgoim.code=" + ErrorCode.UNAVAILABLE.code());
    }
}
