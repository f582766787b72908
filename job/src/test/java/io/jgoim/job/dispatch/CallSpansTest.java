package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.RecordingCometService;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * job's comet calls as spans: a call carrying one push is the child of that push's dispatch span; a call carrying a
 * room batch of several pushes starts its own trace and LINKS to each push's dispatch span (no single parent); one
 * call span per comet; every dispatch span ends once its comets took the push.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallSpansTest {
    private final RecordingCometService c1 = new RecordingCometService("c1");
    private final RecordingCometService c2 = new RecordingCometService("c2");
    private final InMemorySpanExporter out = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.start(new TracingConfig(true, "otlp", "http://127.0.0.1:1/v1/traces",
            1.0, 1024, Duration.ofSeconds(1)), "job", "job-1", new SimpleMeterRegistry(), out);
    private final List<String> done = new CopyOnWriteArrayList<>();
    private PushDispatcher dispatcher;

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        tracing.close();
    }

    private void start(JobConfig cfg) {
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", c1).add("c2", c2);
        dispatcher = new PushDispatcher(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new JobMetrics(new SimpleMeterRegistry()), null, tracing);
        dispatcher.start();
    }

    /** A room push with its dispatch span, as the consumer makes it. */
    private PushTask traced(String room, String body, List<SpanContext> spans) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).build();
        Span dispatch = tracing.tracer().spanBuilder("job dispatch").startSpan();
        spans.add(dispatch.getSpanContext());
        return PushTask.of(room, m, (t, ok) -> done.add(body + ":" + ok)).traced(dispatch);
    }

    private List<SpanData> finished(int count) {
        List<SpanData> s = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            tracing.flush(Duration.ofSeconds(5));
            s.clear();
            s.addAll(out.getFinishedSpanItems());
            return s.size() >= count;
        });
        return s;
    }

    private static List<SpanData> calls(List<SpanData> spans) {
        return spans.stream().filter(s -> s.getName().equals("Comet/BroadcastRoom")).toList();
    }

    @Test
    void shouldLinkABatchCallToEveryPushItCarriesInsteadOfClaimingOneParent() {
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "3", "JGOIM_BATCH_WINDOW", "5s"));
        List<SpanContext> lead = new ArrayList<>();
        List<SpanContext> pushes = new ArrayList<>();
        // A quiet room's first message goes at once; the next ones wait for the room's slot: one batch of 3 (size).
        dispatcher.dispatch(traced("live://1", "lead", lead));
        for (int i = 0; i < 3; i++) {
            dispatcher.dispatch(traced("live://1", "m" + i, pushes));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 4);
        assertThat(done).allMatch(s -> s.endsWith(":true"));
        List<SpanData> spans = finished(4 + 4);
        List<SpanData> calls = calls(spans).stream()
                .filter(c -> c.getAttributes().asMap().toString().contains("jgoim.pushes=3")).toList();
        assertThat(calls).hasSize(2); // one per comet
        assertThat(calls).extracting(c -> c.getAttributes().asMap().toString())
                .anyMatch(a -> a.contains("jgoim.comet.id=c1")).anyMatch(a -> a.contains("jgoim.comet.id=c2"));
        for (SpanData call : calls) {
            assertThat(call.getParentSpanContext().isValid()).as("a batch call has no single parent").isFalse();
            assertThat(pushes).noneMatch(p -> p.getTraceId().equals(call.getTraceId()));
            assertThat(call.getLinks()).extracting(LinkData::getSpanContext).containsExactlyInAnyOrderElementsOf(pushes);
            assertThat(call.getAttributes().asMap().toString()).contains("jgoim.pushes=3");
        }
        // Each dispatch span ended when its comets took the push.
        assertThat(spans.stream().filter(s -> s.getName().equals("job dispatch")).map(SpanData::getSpanContext)
                .filter(c -> !c.equals(lead.get(0))).toList()).containsExactlyInAnyOrderElementsOf(pushes);
    }

    @Test
    void shouldMakeACallCarryingOnePushTheChildOfItsDispatchSpan() {
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "1"));
        List<SpanContext> pushes = new ArrayList<>();
        dispatcher.dispatch(traced("live://2", "solo", pushes));
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 1);
        List<SpanData> calls = calls(finished(1 + 2));
        assertThat(calls).hasSize(2).allSatisfy(call -> {
            assertThat(call.getTraceId()).isEqualTo(pushes.get(0).getTraceId());
            assertThat(call.getParentSpanId()).isEqualTo(pushes.get(0).getSpanId());
            assertThat(call.getLinks()).isEmpty();
        });
    }

    @Test
    void shouldRecordNoCallForPushesThatAreNotSampled() {
        start(TestConfigs.config("JGOIM_BATCH_SIZE", "3", "JGOIM_BATCH_WINDOW", "5s"));
        // A single unsampled push, then a batch of three: at ratio 1.0 a batch call used to start a trace of its own.
        dispatcher.dispatch(unsampled("live://3", "lead"));
        for (int i = 0; i < 3; i++) {
            dispatcher.dispatch(unsampled("live://3", "u" + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 4);
        assertThat(done).allMatch(s -> s.endsWith(":true"));
        // A sampled push afterwards: once its spans are exported, anything the unsampled calls made would be too.
        List<SpanContext> fence = new ArrayList<>();
        dispatcher.dispatch(traced("live://4", "fence", fence));
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 5);
        List<SpanData> calls = calls(finished(1 + 2));
        assertThat(calls).hasSize(2)
                .allSatisfy(call -> assertThat(call.getTraceId()).isEqualTo(fence.get(0).getTraceId()));
    }

    /** A room push whose trace was not sampled where it entered (its context, as the consumer may carry it). */
    private PushTask unsampled(String room, String body) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).build();
        SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331", TraceFlags.getDefault(), TraceState.getDefault());
        return PushTask.of(room, m, (t, ok) -> done.add(body + ":" + ok)).traced(Span.wrap(remote));
    }
}
