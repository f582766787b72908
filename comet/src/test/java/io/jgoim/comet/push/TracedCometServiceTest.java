package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comet's fan-out span is recorded only under a sampled caller (job's call span): a call with no trace context,
 * or with one that is not sampled, is delivered as before and leaves no span, even at sampling ratio 1.0 (the comet
 * never starts a trace of its own for a push); a sampled caller's call is one span, its child, with the recipient
 * count. The comet's real index, rooms and broadcaster on EmbeddedChannels.
 */
@ExtendWith(LeakCheck.class)
class TracedCometServiceTest {
    private static final String INNER = "0000001700100001000003e8000000007b226e223a307d";

    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final InMemorySpanExporter out = InMemorySpanExporter.create();
    private final Tracing tracing = Tracing.start(new TracingConfig(true, "otlp", "http://127.0.0.1:1/v1/traces",
            1.0, 1024, Duration.ofSeconds(1)), "comet", "comet-1", new SimpleMeterRegistry(), out);
    private final CometService service = TracedCometService.wrap(new CometPushService(index,
            new RoomBroadcaster(loops, sessions.metrics), ByteBufAllocator.DEFAULT), tracing);
    private final EmbeddedChannel member = new EmbeddedChannel();

    @AfterEach
    void close() {
        Object o;
        while ((o = member.readOutbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
        member.finishAndReleaseAll();
        loopOwner.finishAndReleaseAll();
        tracing.close();
    }

    private BroadcastRoomReply broadcast() throws Exception {
        Proto proto = Proto.newBuilder().setVer(1).setOp(9)
                .setBody(ByteString.copyFrom(ByteBufUtil.decodeHexDump(INNER))).build();
        CompletableFuture<BroadcastRoomReply> f = service.broadcastRoom(
                BroadcastRoomReq.newBuilder().setRoomId("live://t").setProto(proto).build());
        loopOwner.runPendingTasks();
        return f.get();
    }

    private List<SpanData> finished() {
        tracing.flush(Duration.ofSeconds(5));
        return out.getFinishedSpanItems();
    }

    private int frames() {
        int n = 0;
        ByteBuf b;
        while ((b = member.readOutbound()) != null) {
            n += ByteBufUtil.hexDump(b).length() / INNER.length();
            b.release();
        }
        return n;
    }

    @Test
    void shouldRecordTheFanOutOnlyUnderASampledCaller() throws Exception {
        index.register(sessions.session(member, SessionTransport.TCP, "k1", 0), "live://t");

        // no trace context at all: delivered, no span (the comet does not start a trace of its own)
        assertThat(broadcast().getDelivered()).isEqualTo(1);
        // an unsampled caller: delivered, no span
        SpanContext unsampled = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
                "b7ad6b7169203331", TraceFlags.getDefault(), TraceState.getDefault());
        try (Scope s = Span.wrap(unsampled).makeCurrent()) {
            assertThat(broadcast().getDelivered()).isEqualTo(1);
        }
        assertThat(frames()).isEqualTo(2);
        assertThat(finished()).isEmpty();

        // a sampled caller: one span, its child, with the recipients
        Span caller = tracing.tracer().spanBuilder("Comet/BroadcastRoom").startSpan();
        try (Scope s = caller.makeCurrent()) {
            assertThat(broadcast().getDelivered()).isEqualTo(1);
        }
        caller.end();
        assertThat(frames()).isEqualTo(1);
        List<SpanData> fanOut = finished().stream()
                .filter(d -> d.getName().equals("comet fan-out BroadcastRoom")).toList();
        assertThat(fanOut).hasSize(1);
        assertThat(fanOut.get(0).getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
        assertThat(fanOut.get(0).getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
        assertThat(fanOut.get(0).getAttributes().asMap().toString()).contains("jgoim.recipients=1");
    }
}
