package io.jgoim.common.tracing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import zipkin2.reporter.urlconnection.URLConnectionSender;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One node's tracing: a tracer named after the node's role ({@code logic}, {@code job}, {@code comet}), W3C
 * {@code traceparent} propagation, parent-based sampling at {@code tracing.samplingRatio} for new traces, and a batch
 * exporter (OTLP/HTTP or Zipkin) that never blocks the caller: spans beyond the queue or whose export failed are
 * dropped and counted ({@code jgoim.tracing.spans.dropped}), the push path is never slowed by a dead collector, and
 * after a failed export the collector is left alone for a growing back-off ({@code jgoim.tracing.export.failing}).
 *
 * <p>{@link #off()} (tracing not configured) has {@link #enabled()} false: callers test it once per message and do
 * nothing else, so a node without tracing allocates nothing for it. Not a global: every node owns its instance (a
 * test JVM may run several nodes), created at start and closed at stop (flushing what is queued). Thread-safe.
 */
public final class Tracing implements AutoCloseable {
    /** The log fields (and MDC keys) of a line written while a span is current ({@link TraceScope}). */
    public static final String MDC_TRACE_ID = "trace_id";
    public static final String MDC_SPAN_ID = "span_id";
    /** The header, metadata key and record header name of the W3C trace context. */
    public static final String TRACEPARENT = "traceparent";

    /** Marks a root the caller already decided to sample ({@link #sampledRoot()}); read by the sampler. */
    static final ContextKey<Boolean> SAMPLED_ROOT = ContextKey.named("jgoim.sampled-root");
    private static final Context SAMPLED_ROOT_CONTEXT = Context.root().with(SAMPLED_ROOT, Boolean.TRUE);

    private static final Tracing OFF = new Tracing(false, OpenTelemetry.noop().getTracer("jgoim"), null, 0.0);
    private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();

    private final boolean enabled;
    private final Tracer tracer;
    private final SdkTracerProvider provider;
    private final double ratio;

    private Tracing(boolean enabled, Tracer tracer, SdkTracerProvider provider, double ratio) {
        this.enabled = enabled;
        this.tracer = tracer;
        this.provider = provider;
        this.ratio = ratio;
    }

    /** No tracing: no span, no header, no cost beyond testing {@link #enabled()}. */
    public static Tracing off() {
        return OFF;
    }

    /**
     * Tracing as {@code config} says for a node of {@code role} (the service name) and id {@code nodeId}; its
     * counters are registered in {@code registry} at zero whether tracing is on or off (dashboards find them).
     */
    public static Tracing start(TracingConfig config, String role, String nodeId, MeterRegistry registry) {
        return start(config, role, nodeId, registry, null);
    }

    /**
     * {@link #start(TracingConfig, String, String, MeterRegistry)} exporting to {@code exporterOrNull} instead of the
     * configured endpoint (tests hand an in-memory exporter; null: the configured one).
     */
    public static Tracing start(TracingConfig config, String role, String nodeId, MeterRegistry registry,
                                SpanExporter exporterOrNull) {
        Counter exported = Counter.builder("jgoim.tracing.spans.exported")
                .description("spans the trace collector accepted").register(registry);
        Counter dropped = Counter.builder("jgoim.tracing.spans.dropped")
                .description("spans dropped because their export failed (collector down, timeout)").register(registry);
        Counter ended = Counter.builder("jgoim.tracing.spans.ended")
                .description("sampled spans handed to the exporter queue; ended - exported - dropped = still queued "
                        + "or dropped by a full queue").register(registry);
        AtomicReference<CountingSpanExporter> live = new AtomicReference<>();
        Gauge.builder("jgoim.tracing.export.failing", live, l -> l.get() == null ? 0 : l.get().failing())
                .description("1 while the last span export failed: the exporter drops batches (counted in "
                        + "spans.dropped) and tries the collector again after a back-off of 1 s doubling to 30 s")
                // one per role: standalone's comet, logic and job share a registry, and each exports on its own
                .tag("role", role).strongReference(true).register(registry);
        if (!config.enabled()) {
            return OFF;
        }
        CountingSpanExporter exporter = new CountingSpanExporter(
                exporterOrNull == null ? exporter(config) : exporterOrNull, exported, dropped, System::nanoTime);
        live.set(exporter);
        SpanProcessor batch = BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(config.maxQueueSize())
                .setMaxExportBatchSize(Math.min(512, config.maxQueueSize()))
                .setScheduleDelay(Duration.ofMillis(500))
                .setExporterTimeout(config.exportTimeout())
                .build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), role,
                AttributeKey.stringKey("service.instance.id"), nodeId)));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(LinkAwareSampler.parentBased(config.samplingRatio()))
                .addSpanProcessor(SpanProcessor.composite(new EndedSpanCounter(ended), batch))
                .build();
        return new Tracing(true, provider.get("io.jgoim." + role), provider, config.samplingRatio());
    }

    private static SpanExporter exporter(TracingConfig c) {
        long timeoutMs = c.exportTimeout().toMillis();
        if (TracingConfig.ZIPKIN.equals(c.exporter())) {
            URLConnectionSender sender = URLConnectionSender.newBuilder().endpoint(c.endpoint())
                    .connectTimeout((int) timeoutMs).readTimeout((int) timeoutMs).build();
            return ZipkinSpanExporter.builder().setSender(sender).build();
        }
        return OtlpHttpSpanExporter.builder().setEndpoint(c.endpoint())
                .setTimeout(timeoutMs, TimeUnit.MILLISECONDS).build();
    }

    /** True when spans are recorded; callers skip every tracing step when false. */
    public boolean enabled() {
        return enabled;
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * The context a carrier holds (a {@code traceparent}), on top of the root context. A missing or malformed
     * {@code traceparent} gives the root context: the span started under it begins a new trace.
     */
    public static <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return PROPAGATOR.extract(Context.root(), carrier, getter);
    }

    /**
     * Decides, at the sampling ratio, whether a new trace (a request that brought no trace context) is recorded.
     * The push API asks before it builds anything: the 99 % of pushes the default ratio does not sample then cost
     * {@link #unsampledRoot()} (three random longs and their ids) instead of an SDK span builder, an id generator
     * and a sampler call; the others start their span under {@link #sampledRoot()}, which the sampler records
     * without drawing again (the ratio is applied once).
     */
    public boolean sampleNewTrace() {
        return ratio >= 1.0 || ratio > 0.0 && ThreadLocalRandom.current().nextDouble() < ratio;
    }

    /** The parent to start a root span under once {@link #sampleNewTrace()} said yes: the span is recorded. */
    public static Context sampledRoot() {
        return SAMPLED_ROOT_CONTEXT;
    }

    /**
     * A new trace's root that is not sampled: valid random ids, flags {@code 02} (not sampled, random trace id, as
     * the SDK flags its own roots), no SDK span behind it (what the SDK itself returns for an unsampled span, without
     * its builder, id generator or sampler) and its ids held as traceparent bytes ({@link UnsampledRoot}). Its
     * context still carries the decision to every node below, and its ids are what the caller is told.
     */
    public static Span unsampledRoot() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo;
        do {
            lo = r.nextLong();
        } while (lo == 0); // an all-zero trace id is invalid; a non-zero low half makes it valid whatever hi is
        long span;
        do {
            span = r.nextLong();
        } while (span == 0);
        return Span.wrap(new UnsampledRoot(hi, lo, span));
    }

    /** Writes {@code context}'s span context into a carrier (nothing when it holds no valid span). */
    public static <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
        PROPAGATOR.inject(context, carrier, setter);
    }

    /**
     * True when {@code context} holds a valid span that is not sampled. Every node samples parent-based, so nothing
     * below such a span is ever recorded: a node skips its own spans for that push (no ids, no span objects, no
     * scope) and passes the context on as it came, which still carries the "not sampled" decision downstream (a node
     * that received no context at all would otherwise start a trace of its own at the sampling ratio). This is what
     * keeps the 99 % of pushes the default ratio does not sample nearly free.
     */
    public static boolean notSampled(Context context) {
        SpanContext s = Span.fromContext(context).getSpanContext();
        return s.isValid() && !s.isSampled();
    }

    /**
     * The sampled flag of a W3C {@code traceparent} read without parsing it: 1 sampled, 0 not sampled, -1 when the
     * value is absent or not shaped like one (then parse it with {@link #extract}, which decides). Lets a node skip
     * the ids, strings and context objects of the 99 % of pushes the default ratio does not sample.
     */
    public static int sampledFlag(CharSequence traceparent) {
        if (traceparent == null) {
            return -1;
        }
        int n = traceparent.length();
        // 55 characters (version 00), or more with a dash after the flags (a later version's extra fields)
        if (n < 55 || n > 55 && traceparent.charAt(55) != '-' || traceparent.charAt(2) != '-'
                || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
            return -1;
        }
        int flags = Character.digit(traceparent.charAt(54), 16);
        return flags < 0 || Character.digit(traceparent.charAt(53), 16) < 0 ? -1 : flags & 1;
    }

    /** {@link #sampledFlag(CharSequence)} of a value in ASCII bytes (a Kafka record header). */
    public static int sampledFlag(byte[] traceparent) {
        if (traceparent == null) {
            return -1;
        }
        int n = traceparent.length;
        if (n < 55 || n > 55 && traceparent[55] != '-' || traceparent[2] != '-' || traceparent[35] != '-'
                || traceparent[52] != '-') {
            return -1;
        }
        int flags = Character.digit(traceparent[54], 16);
        return flags < 0 || Character.digit(traceparent[53], 16) < 0 ? -1 : flags & 1;
    }

    /** {@code 00-<trace id>-<span id>-<flags>}: the W3C form of {@code span}, as returned to push API callers. */
    public static String traceparent(SpanContext span) {
        return "00-" + span.getTraceId() + '-' + span.getSpanId() + '-' + span.getTraceFlags().asHex();
    }

    /**
     * {@link #traceparent(SpanContext)} as ASCII bytes, written directly (a Kafka record header's value, a response
     * header). An {@link #unsampledRoot()}'s are its own array, shared by every caller: never write into the result.
     */
    public static byte[] traceparentBytes(SpanContext span) {
        if (span instanceof UnsampledRoot) {
            return ((UnsampledRoot) span).traceparent();
        }
        byte[] b = new byte[55];
        b[0] = '0';
        b[1] = '0';
        b[2] = '-';
        copy(span.getTraceId(), b, 3);
        b[35] = '-';
        copy(span.getSpanId(), b, 36);
        b[52] = '-';
        copy(span.getTraceFlags().asHex(), b, 53);
        return b;
    }

    private static void copy(String ascii, byte[] to, int at) {
        for (int i = 0; i < ascii.length(); i++) {
            to[at + i] = (byte) ascii.charAt(i);
        }
    }

    /** Exports what is queued now, waiting at most {@code timeout} (tests, shutdown). */
    public void flush(Duration timeout) {
        if (provider != null) {
            provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Flushes and stops the exporter; spans ended later are not recorded. Idempotent. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
