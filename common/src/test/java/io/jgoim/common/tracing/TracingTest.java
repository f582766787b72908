package io.jgoim.common.tracing;

import io.jgoim.testkit.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TracingTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static TracingConfig on(String exporter, String endpoint, double ratio) {
        return new TracingConfig(true, exporter, endpoint, ratio, 2048, Duration.ofSeconds(2));
    }

    private double count(String name) {
        return meters.get(name).counter().count();
    }

    @Test
    void shouldCreateNothingAndRegisterItsCountersAtZeroWhenOff() {
        Tracing t = Tracing.start(TracingConfig.off(), "logic", "logic-1", meters);
        assertThat(t.enabled()).isFalse();
        assertThat(t).isSameAs(Tracing.off());
        assertThat(count("jgoim.tracing.spans.dropped")).isZero();
        assertThat(count("jgoim.tracing.spans.exported")).isZero();
        assertThat(count("jgoim.tracing.spans.ended")).isZero();
        assertThat(meters.get("jgoim.tracing.export.failing").gauge().value()).isZero();
    }

    @Test
    void shouldDropAndCountSpansWhenTheCollectorIsDown() throws Exception {
        int deadPort = FreePorts.next();  // nothing listens there: connections are refused
        for (String exporter : List.of(TracingConfig.ZIPKIN, TracingConfig.OTLP)) {
            SimpleMeterRegistry m = new SimpleMeterRegistry();
            String path = exporter.equals(TracingConfig.ZIPKIN) ? "/api/v2/spans" : "/v1/traces";
            Tracing t = Tracing.start(on(exporter, "http://127.0.0.1:" + deadPort + path, 1.0), "job", "job-1", m);
            long start = System.nanoTime();
            for (int i = 0; i < 25; i++) {
                t.tracer().spanBuilder("s" + i).startSpan().end(); // never blocks on the dead collector
            }
            assertThat(System.nanoTime() - start).as("ending spans waits for no export").isLessThan(2_000_000_000L);
            t.flush(Duration.ofSeconds(10));
            assertThat(m.get("jgoim.tracing.spans.ended").counter().count()).as(exporter).isEqualTo(25);
            // The OTLP sender retries a refused connection with backoff before it gives the batch up.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(m.get("jgoim.tracing.spans.dropped").counter().count()).as(exporter).isEqualTo(25));
            assertThat(m.get("jgoim.tracing.spans.exported").counter().count()).as(exporter).isZero();
            assertThat(m.get("jgoim.tracing.export.failing").gauge().value()).as(exporter).isEqualTo(1);
            t.close();
        }
    }

    @Test
    void shouldHonourASampledParentEvenAtRatioZeroAndSampleRootsLinkedToASampledSpan() {
        InMemorySpanExporter out = InMemorySpanExporter.create();
        Tracing t = Tracing.start(on("otlp", "http://127.0.0.1:1/v1/traces", 0.0), "comet", "c", meters, out);
        SpanContext sampledRemote = SpanContext.createFromRemoteParent(TRACE, SPAN, TraceFlags.getSampled(),
                TraceState.getDefault());
        SpanContext unsampledRemote = SpanContext.createFromRemoteParent(TRACE, SPAN, TraceFlags.getDefault(),
                TraceState.getDefault());
        t.tracer().spanBuilder("root").startSpan().end();
        t.tracer().spanBuilder("child-of-sampled").setParent(Context.root().with(Span.wrap(sampledRemote)))
                .startSpan().end();
        t.tracer().spanBuilder("child-of-unsampled").setParent(Context.root().with(Span.wrap(unsampledRemote)))
                .startSpan().end();
        t.tracer().spanBuilder("batch").setNoParent().addLink(unsampledRemote).addLink(sampledRemote)
                .startSpan().end();
        t.tracer().spanBuilder("batch-unsampled").setNoParent().addLink(unsampledRemote).startSpan().end();
        t.flush(Duration.ofSeconds(5));
        List<SpanData> spans = out.getFinishedSpanItems();
        assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder("child-of-sampled", "batch");
        SpanData child = spans.stream().filter(s -> s.getName().equals("child-of-sampled")).findFirst().orElseThrow();
        assertThat(child.getTraceId()).isEqualTo(TRACE);
        assertThat(child.getParentSpanId()).isEqualTo(SPAN);
        SpanData batch = spans.stream().filter(s -> s.getName().equals("batch")).findFirst().orElseThrow();
        assertThat(batch.getLinks()).hasSize(2);
        assertThat(batch.getTraceId()).isNotEqualTo(TRACE);
        assertThat(batch.getResource().getAttributes().asMap().toString()).contains("service.name=comet");
        t.close();
    }

    @Test
    void shouldExtractAValidTraceparentAndIgnoreAMalformedOne() {
        Context valid = Tracing.extract(Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-01"), MAPS);
        assertThat(Span.fromContext(valid).getSpanContext().getTraceId()).isEqualTo(TRACE);
        assertThat(Span.fromContext(valid).getSpanContext().isSampled()).isTrue();
        for (String bad : List.of("garbage", "00-" + TRACE + "-" + SPAN, "00-" + "0".repeat(32) + "-" + SPAN + "-01",
                "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01", "ff-" + TRACE + "-" + SPAN + "-01", "")) {
            Context c = Tracing.extract(Map.of("traceparent", bad), MAPS);
            assertThat(Span.fromContext(c).getSpanContext().isValid()).as(bad).isFalse();
        }
        SpanContext sc = Span.fromContext(valid).getSpanContext();
        assertThat(Tracing.traceparent(sc)).isEqualTo("00-" + TRACE + "-" + SPAN + "-01");
        assertThat(new String(Tracing.traceparentBytes(sc), StandardCharsets.US_ASCII))
                .isEqualTo("00-" + TRACE + "-" + SPAN + "-01");
    }

    @Test
    void shouldReadTheSampledFlagWithoutParsingAndLeaveAnythingOddToTheParser() {
        String sampled = "00-" + TRACE + "-" + SPAN + "-01";
        String unsampled = "00-" + TRACE + "-" + SPAN + "-00";
        assertThat(Tracing.sampledFlag(sampled)).isEqualTo(1);
        assertThat(Tracing.sampledFlag(unsampled)).isZero();
        assertThat(Tracing.sampledFlag("00-" + TRACE + "-" + SPAN + "-03")).isEqualTo(1); // other flag bits set
        assertThat(Tracing.sampledFlag("01-" + TRACE + "-" + SPAN + "-00-extra")).isZero(); // a later version
        assertThat(Tracing.sampledFlag(sampled.getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);
        assertThat(Tracing.sampledFlag(unsampled.getBytes(StandardCharsets.US_ASCII))).isZero();
        for (String odd : List.of("", "garbage", "00-" + TRACE + "-" + SPAN, "00-" + TRACE + "-" + SPAN + "-0g",
                "00-" + TRACE + "-" + SPAN + "-001", "00-" + TRACE + "x" + SPAN + "-01", sampled + "x")) {
            assertThat(Tracing.sampledFlag(odd)).as(odd).isEqualTo(-1);
            assertThat(Tracing.sampledFlag(odd.getBytes(StandardCharsets.US_ASCII))).as(odd).isEqualTo(-1);
        }
        assertThat(Tracing.sampledFlag((String) null)).isEqualTo(-1);
        assertThat(Tracing.sampledFlag((byte[]) null)).isEqualTo(-1);
    }

    /** A scope makes its span current and restores the outer one; it leaves the MDC alone (the encoder reads it). */
    @Test
    void shouldMakeTheSpanCurrentAndRestoreTheOuterOneWithoutTouchingTheMdc() {
        InMemorySpanExporter out = InMemorySpanExporter.create();
        Tracing t = Tracing.start(on("otlp", "http://127.0.0.1:1/v1/traces", 1.0), "logic", "l", meters, out);
        Span outer = t.tracer().spanBuilder("outer").startSpan();
        try (TraceScope a = TraceScope.open(outer)) {
            assertThat(Span.current()).isSameAs(outer);
            Span inner = t.tracer().spanBuilder("inner").startSpan();
            try (TraceScope b = TraceScope.open(inner)) {
                assertThat(Span.current()).isSameAs(inner);
                assertThat(MDC.get(Tracing.MDC_TRACE_ID)).isNull();
            }
            assertThat(Span.current()).isSameAs(outer);
        }
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
        t.close();
    }

    /** Push API roots: the ratio is drawn once; a root under sampledRoot() is recorded, an unsampled one is no span. */
    @Test
    void shouldDrawNewTracesAtTheRatioAndRecordOnlyTheSampledRoots() {
        InMemorySpanExporter out = InMemorySpanExporter.create();
        Tracing never = Tracing.start(on("otlp", "http://127.0.0.1:1/v1/traces", 0.0), "logic", "l", meters, out);
        Tracing always = Tracing.start(on("otlp", "http://127.0.0.1:1/v1/traces", 1.0), "logic", "l", meters, out);
        Tracing half = Tracing.start(on("otlp", "http://127.0.0.1:1/v1/traces", 0.5), "logic", "l", meters, out);
        int sampled = 0;
        for (int i = 0; i < 10_000; i++) {
            assertThat(never.sampleNewTrace()).isFalse();
            assertThat(always.sampleNewTrace()).isTrue();
            sampled += half.sampleNewTrace() ? 1 : 0;
        }
        assertThat(sampled).isBetween(4_500, 5_500); // 0.5 ± 10 standard deviations (50)

        Span root = never.tracer().spanBuilder("POST /goim/push/room").setParent(Tracing.sampledRoot()).startSpan();
        assertThat(root.isRecording()).as("a root the caller drew is recorded even at ratio 0").isTrue();
        assertThat(root.getSpanContext().isSampled()).isTrue();
        root.end();
        never.flush(Duration.ofSeconds(5));
        assertThat(out.getFinishedSpanItems()).hasSize(1);
        assertThat(out.getFinishedSpanItems().get(0).getParentSpanContext().isValid()).isFalse();

        Set<String> traces = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            Span u = Tracing.unsampledRoot();
            assertThat(u.getSpanContext().isValid()).isTrue();
            assertThat(u.getSpanContext().isSampled()).isFalse();
            assertThat(u.isRecording()).isFalse();
            assertThat(Tracing.notSampled(Context.root().with(u))).isTrue();
            traces.add(u.getSpanContext().getTraceId());
            SpanContext c = u.getSpanContext();
            String w3c = "00-" + c.getTraceId() + "-" + c.getSpanId() + "-02";
            assertThat(w3c).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-02");
            assertThat(Tracing.traceparent(c)).isEqualTo(w3c);
            byte[] bytes = Tracing.traceparentBytes(c);
            assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(w3c);
            assertThat(Tracing.traceparentBytes(c)).as("made once, shared").isSameAs(bytes);
            assertThat(Tracing.sampledFlag(bytes)).isZero();
            SpanContext parsed = Span.fromContext(Tracing.extract(Map.of("traceparent", w3c), MAPS))
                    .getSpanContext(); // what job reads back from the record header
            assertThat(parsed.isValid()).isTrue();
            assertThat(parsed.getTraceId()).isEqualTo(c.getTraceId());
            assertThat(parsed.getSpanId()).isEqualTo(c.getSpanId());
            assertThat(parsed.isSampled()).isFalse();
        }
        assertThat(traces).hasSize(1_000);
        never.close();
        always.close();
        half.close();
    }

    @Test
    void shouldRefuseABadConfigNamingTheKey() {
        assertThatThrownBy(() -> on("jaeger", "http://x", 1)).hasMessageContaining("tracing.exporter");
        assertThatThrownBy(() -> on("otlp", "", 1)).hasMessageContaining("tracing.endpoint");
        assertThatThrownBy(() -> on("otlp", "http://x", 1.5)).hasMessageContaining("tracing.samplingRatio");
    }

    private static final io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>> MAPS =
            new io.opentelemetry.context.propagation.TextMapGetter<>() {
                @Override
                public Iterable<String> keys(Map<String, String> carrier) {
                    return carrier.keySet();
                }

                @Override
                public String get(Map<String, String> carrier, String key) {
                    return carrier.get(key);
                }
            };
}
