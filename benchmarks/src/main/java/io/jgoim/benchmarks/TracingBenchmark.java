package io.jgoim.benchmarks;

import io.grpc.Metadata;
import io.jgoim.common.tracing.Carriers;
import io.jgoim.common.tracing.TraceScope;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.tracing.TracingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tracing work ONE push costs across the cluster, all nodes' share on one thread: logic's HTTP span (extracting
 * an absent {@code traceparent}) and produce span with its Kafka record header, job's consume span (extracting the
 * header), dispatch span and comet call span with its gRPC metadata, the comet's fan-out span (extracting the
 * metadata), as the node code does it. {@code ratio}: {@code off} (tracing not configured: the nodes test
 * {@link Tracing#enabled()} and do nothing), {@code 0.01} (the default sampling: 1 in 100 traces recorded and
 * queued) and {@code 1.0}. The exporter discards (the collector's cost is not the server's); the batch queue and its
 * thread are real. This is per MESSAGE, not per recipient: divide by the recipients of a room push to compare with the
 * fan-out's CPU per delivered message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
public class TracingBenchmark {
    private static final TextMapGetter<Headers> KAFKA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            for (Header h : carrier) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier.lastHeader(key);
            return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
        }
    };

    @Param({"off", "0.01", "1.0"})
    public String ratio;

    private Tracing tracing;
    private Tracer tracer;
    private final HttpHeaders request = new DefaultHttpHeaders().set("content-type", "application/octet-stream");

    @Setup(Level.Trial)
    public void setUp() {
        if ("off".equals(ratio)) {
            tracing = Tracing.off();
        } else {
            tracing = Tracing.start(new TracingConfig(true, "otlp", "http://127.0.0.1:1/v1/traces",
                    Double.parseDouble(ratio), 2048, Duration.ofSeconds(5)), "bench", "bench-1",
                    new SimpleMeterRegistry(), new DiscardingExporter());
        }
        tracer = tracing.tracer();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tracing.close();
    }

    @Benchmark
    public Object onePushAcrossTheCluster() {
        if (!tracing.enabled()) {
            return null; // what every node does per message when tracing is off
        }
        // logic: the HTTP push span, then the produce span with its record header
        // (PushSpans: no traceparent in the request, so the ratio is drawn first; an unsampled push builds no span)
        Span http = request.contains(Tracing.TRACEPARENT) || tracing.sampleNewTrace()
                ? tracer.spanBuilder("POST /goim/push/room").setParent(request.contains(Tracing.TRACEPARENT)
                        ? Tracing.extract(request, Carriers.HTTP_HEADERS) : Tracing.sampledRoot())
                        .setSpanKind(SpanKind.SERVER).startSpan()
                : Tracing.unsampledRoot();
        if (http.isRecording()) {
            http.setAttribute("http.request.method", "POST").setAttribute("url.path", "/goim/push/room");
        }
        Headers record;
        try (TraceScope a = TraceScope.open(http)) {
            if (Tracing.notSampled(Context.current())) { // ProduceSpans: no produce span, the API span's context
                record = kafkaHeaders();
            } else {
                Span produce = tracer.spanBuilder("kafka produce").setSpanKind(SpanKind.PRODUCER).startSpan();
                if (produce.isRecording()) {
                    produce.setAttribute("messaging.system", "kafka").setAttribute("jgoim.push.type", "ROOM");
                }
                try (TraceScope b = TraceScope.open(produce)) {
                    record = kafkaHeaders();
                }
                produce.end();
            }
        }
        if (http.isRecording()) {
            http.setAttribute("jgoim.code", 0);
        }
        http.end();
        // job: consume and dispatch spans, none when the record says "not sampled" (ConsumeSpans); one call span with
        // its metadata, none when no push it carries is sampled (CallSpans, Send)
        Span dispatch = null;
        Header traceparent = record.lastHeader(Tracing.TRACEPARENT);
        if (traceparent == null || Tracing.sampledFlag(traceparent.value()) != 0) {
            Span consume = tracer.spanBuilder("kafka consume").setParent(Tracing.extract(record, KAFKA))
                    .setSpanKind(SpanKind.CONSUMER).startSpan();
            if (consume.isRecording()) {
                consume.setAttribute("messaging.system", "kafka").setAttribute("messaging.destination.name", "push")
                        .setAttribute("messaging.destination.partition.id", "3")
                        .setAttribute("messaging.kafka.offset", 42L);
            }
            try (TraceScope c = TraceScope.open(consume)) {
                dispatch = tracer.spanBuilder("job dispatch").startSpan();
            }
            consume.end();
        }
        Metadata metadata = new Metadata();
        Span call = Span.getInvalid();
        if (dispatch != null && dispatch.getSpanContext().isSampled()) {
            call = tracer.spanBuilder("Comet/BroadcastRoom").setSpanKind(SpanKind.CLIENT)
                    .setParent(Context.root().with(dispatch)).startSpan();
            if (call.isRecording()) {
                call.setAttribute("rpc.system", "grpc").setAttribute("rpc.method", "BroadcastRoom")
                        .setAttribute("jgoim.comet.id", "comet-1").setAttribute("jgoim.pushes", 1);
            }
            try (TraceScope d = TraceScope.open(call)) {
                Tracing.inject(Context.current(), metadata, Carriers.GRPC_SET);
            }
        }
        // comet: the fan-out span under the metadata's context, only when it is sampled (GrpcTracing.sampledOnly)
        Span fanOut = Span.getInvalid();
        if (Tracing.sampledFlag(metadata.get(Carriers.TRACEPARENT_KEY)) == 1) {
            fanOut = tracer.spanBuilder("comet fan-out BroadcastRoom").setSpanKind(SpanKind.SERVER)
                    .setParent(Tracing.extract(metadata, Carriers.GRPC_GET)).startSpan();
            if (fanOut.isRecording()) {
                fanOut.setAttribute("rpc.system", "grpc").setAttribute("rpc.method", "BroadcastRoom")
                        .setAttribute("jgoim.room", "live://1000").setAttribute("jgoim.recipients", 15_000)
                        .setAttribute("jgoim.delivered", 15_000).setAttribute("jgoim.dropped", 0);
            }
            fanOut.end();
        }
        if (call.isRecording()) {
            call.setAttribute("jgoim.attempts", 1);
        }
        call.end();
        if (dispatch != null) {
            dispatch.end();
        }
        return fanOut;
    }

    /** What logic's {@code TraceHeaders.ofCurrent()} writes into the Kafka record (no caller tracestate here). */
    private static Headers kafkaHeaders() {
        return new RecordHeaders(new Header[] {new RecordHeader(Tracing.TRACEPARENT,
                Tracing.traceparentBytes(Span.current().getSpanContext()))});
    }

    /** Takes every batch and drops it. */
    static final class DiscardingExporter implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
