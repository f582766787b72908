package io.jgoim.comet.session;

import io.jgoim.comet.TestConfigs;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.transport.PipelineNames;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.ProtoFrameCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCP session pipeline (frame codec, handshake, session) on an EmbeddedChannel with the logic twin
 * (production's in-memory logic); timeouts driven by advancing the channel's clock.
 */
@ExtendWith(LeakCheck.class)
class SessionPipelineTest {
    private static final int EXT = 2;
    private final LogicTwin logic = LogicTwin.create().heartbeatSeconds(0);
    private final CometMetrics metrics = CometMetrics.noop();
    private CometConfig config = TestConfigs.ephemeral(Map.of("JGOIM_PROTOCOL_SESSION_REFRESH_INTERVAL", "1m",
            "JGOIM_PROTOCOL_HEARTBEAT_INTERVAL", "30s", "JGOIM_PROTOCOL_HEARTBEAT_MAX_MISSES", "2"));
    private SessionIndex index;
    private EmbeddedChannel ch;

    private EmbeddedChannel channel() {
        return channel(() -> false);
    }

    private EmbeddedChannel channel(java.util.function.BooleanSupplier draining) {
        ch = new EmbeddedChannel();
        ch.freezeTime();
        SessionLoops loops = new SessionLoops(ch.eventLoop());
        index = new SessionIndex(4, 16, loops);
        SessionServices services = new SessionServices(config, logic, index, metrics, draining);
        SessionHandler session = new SessionHandler(services, SessionTransport.TCP);
        ch.pipeline().addLast(PipelineNames.FRAME, new ProtoFrameCodec(config.protocol().maxBodyBytes(), true));
        ch.pipeline().addLast(PipelineNames.HANDSHAKE, new HandshakeHandler(services, session));
        ch.pipeline().addLast(PipelineNames.SESSION, session);
        return ch;
    }

    @AfterEach
    void tearDown() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        logic.close();
    }

    private static ByteBuf frame(int ver, int op, int seq, String body) {
        return frame(ver, op, seq, body.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuf frame(int ver, int op, int seq, byte[] b) {
        ByteBuf out = Unpooled.buffer(16 + b.length);
        out.writeInt(16 + b.length).writeShort(16).writeShort(ver).writeInt(op).writeInt(seq).writeBytes(b);
        return out;
    }

    private static String token(String key, String room) {
        return "{\"mid\":1,\"key\":\"" + key + "\",\"room_id\":\"" + room + "\",\"accepts\":[1000]}";
    }

    /** Reads the next outbound frame: [op, seq, body as hex]. */
    private Object[] next() {
        ByteBuf out = ch.readOutbound();
        assertThat(out).as("an outbound frame").isNotNull();
        try {
            int op = out.getInt(8);
            int seq = out.getInt(12);
            String body = ByteBufUtil.hexDump(out, 16, out.readableBytes() - 16);
            return new Object[] {op, seq, body};
        } finally {
            out.release();
        }
    }

    private void authenticate(int ver, String key, String room) {
        ch.writeInbound(frame(ver, Op.AUTH, 1, token(key, room)));
        Object[] reply = next();
        assertThat(reply[0]).isEqualTo(Op.AUTH_REPLY);
        assertThat(reply[1]).isEqualTo(1);
        assertThat(ch.pipeline().get(PipelineNames.HANDSHAKE)).as("handshake removed itself").isNull();
    }

    private void assertGoodbye(ErrorCode error, CloseCode close) {
        if (error != null) {
            Object[] err = next();
            assertThat(err[0]).isEqualTo(Op.ERROR_REPLY);
            assertThat(new String(ByteBufUtil.decodeHexDump((String) err[2]), StandardCharsets.UTF_8))
                    .startsWith("{\"code\":" + error.code() + ",");
        }
        Object[] bye = next();
        assertThat(bye[0]).isEqualTo(Op.DISCONNECT);
        assertThat(Integer.parseInt(((String) bye[2]).substring(0, 8), 16)).isEqualTo(close.code());
        assertThat(ch.isActive()).isFalse();
        assertThat(metrics.closes(close)).isEqualTo(1);
    }

    @Test
    void shouldCloseWithHandshakeTimeoutWhenNoAuthArrives() {
        channel();
        ch.advanceTimeBy(7, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isFalse();
        assertThat(io.jgoim.comet.TestSessions.outboundBytes(ch)).as("a goim client gets no extension frame (the close flushes what was written before it: nothing)").isZero();
        assertThat(metrics.closes(CloseCode.HANDSHAKE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void shouldCloseWithNotAuthenticatedWhenTheFirstFrameIsNotAuth() {
        channel();
        ch.writeInbound(frame(EXT, Op.HEARTBEAT, 4, ""));
        assertGoodbye(ErrorCode.NOT_AUTHENTICATED, CloseCode.NOT_AUTHENTICATED);
    }

    @Test
    void shouldCloseWithAuthFailedOnARefusedToken() {
        channel();
        ch.writeInbound(frame(EXT, Op.AUTH, 1, "{\"mid\":\"five\"}"));
        assertGoodbye(ErrorCode.TOKEN_MALFORMED, CloseCode.AUTH_FAILED);
        assertThat(index.sessionCount()).isZero();
    }

    @Test
    void shouldCloseWithLogicUnavailableWhenLogicDoesNotAnswerInTime() {
        logic.connectDelay(Duration.ofHours(1));
        channel();
        ch.writeInbound(frame(EXT, Op.AUTH, 1, token("k", "")));
        ch.advanceTimeBy(config.protocol().logicTimeout().toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertGoodbye(ErrorCode.TIMEOUT, CloseCode.LOGIC_UNAVAILABLE);
    }

    @Test
    void shouldLeaveAnAuthWaitingForLogicToTheLogicTimeoutNotTheHandshakeDeadline() {
        logic.connectDelay(Duration.ofHours(1));
        channel();
        ch.advanceTimeBy(7, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.writeInbound(frame(EXT, Op.AUTH, 1, token("k", "")));
        // past the 8 s handshake deadline, inside the 3 s logicTimeout of an auth that came at 7 s
        ch.advanceTimeBy(config.protocol().logicTimeout().toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        assertThat(metrics.closes(CloseCode.HANDSHAKE_TIMEOUT)).isZero();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertGoodbye(ErrorCode.TIMEOUT, CloseCode.LOGIC_UNAVAILABLE);
    }

    @Test
    void shouldHoldFramesSentBeforeTheAuthReplyAndAnswerThemAfter() {
        CompletableFuture<Void> release = logic.holdConnects();
        channel();
        ch.writeInbound(frame(1, Op.AUTH, 1, token("k", "live://1")));
        ch.writeInbound(frame(1, Op.HEARTBEAT, 2, ""));
        assertThat((Object) ch.readOutbound()).isNull();
        release.complete(null);
        ch.runPendingTasks();
        assertThat(next()[0]).isEqualTo(Op.AUTH_REPLY);
        Object[] hb = next();
        assertThat(hb).containsExactly(Op.HEARTBEAT_REPLY, 2, "00000001");
    }

    @Test
    void shouldRefuseTooManyFramesBeforeTheAuthReply() {
        logic.holdConnects();
        channel();
        ch.writeInbound(frame(EXT, Op.AUTH, 1, token("k", "")));
        for (int i = 0; i <= config.protocol().maxPendingFrames(); i++) {
            ch.writeInbound(frame(EXT, Op.HEARTBEAT, 10 + i, ""));
        }
        assertGoodbye(ErrorCode.RATE_LIMITED, CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldServeTheSessionFromTheCodecOnceTheHandlerLeftThePipeline() {
        channel();
        authenticate(EXT, "k1", "live://1");
        assertThat(ch.pipeline().names()).as("the session handler left; the codec calls it")
                .contains(PipelineNames.FRAME).doesNotContain(PipelineNames.SESSION);
        ch.writeInbound(frame(EXT, Op.HEARTBEAT, 5, ""));
        Object[] hb = next();
        assertThat(hb[0]).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(hb[1]).isEqualTo(5);
        // Over the outbound bound: the writability event reaches the session through the codec.
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks(); // Netty fires the writability change as a task
        long closeAfterMs = config.outbound().slowCloseAfter().toMillis();
        ch.advanceTimeBy(closeAfterMs - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
        assertThat(ch.isActive()).isFalse();
        assertThat(metrics.closes(CloseCode.SLOW)).isEqualTo(1);
        assertThat(index.sessionCount()).as("the close reached the session through the codec").isZero();
    }

    @Test
    void shouldCancelThePendingSlowConsumerCheckWhenTheSessionCloses() {
        channel();
        authenticate(EXT, "k1", "live://1");
        long closeAfterNanos = config.outbound().slowCloseAfter().toNanos();
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks(); // the writability change starts the slow-consumer check
        assertThat(ch.runScheduledPendingTasks()).as("the slow-consumer check is due at slowCloseAfter")
                .isEqualTo(closeAfterNanos);
        // Through the pipeline: EmbeddedChannel.close() itself would cancel every scheduled task of its loop.
        ch.pipeline().close();
        ch.runPendingTasks();
        assertThat(ch.isActive()).isFalse();
        assertThat(index.sessionCount()).isZero();
        // The idle sweeper's walk (at the heartbeat deadline, 60 s) may remain; nothing due at the check's time may.
        long next = ch.runScheduledPendingTasks();
        assertThat(next == -1 || next > closeAfterNanos)
                .as("no task left for the closed session at the slow check's time (next task in %d ns)", next)
                .isTrue();
        assertThat(metrics.closes(CloseCode.SLOW)).isZero();
    }

    @Test
    void shouldCloseIdleSessionWithHeartbeatTimeoutAfterIntervalTimesMisses() {
        channel();
        authenticate(EXT, "k", "");
        ch.advanceTimeBy(50, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.writeInbound(frame(EXT, Op.HEARTBEAT, 2, ""));
        assertThat(next()[0]).isEqualTo(Op.HEARTBEAT_REPLY);
        // the heartbeat at 50 s pushes the deadline to 110 s
        ch.advanceTimeBy(59, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertGoodbye(null, CloseCode.HEARTBEAT_TIMEOUT);
        assertThat(index.session("k")).isNull();
        assertThat(logic.disconnects()).hasSize(1);
    }

    @Test
    void shouldRefreshTheRouteInLogicAtAThrottledCadence() {
        channel();
        authenticate(1, "k", "");
        for (int i = 0; i < 5; i++) {
            ch.writeInbound(frame(1, Op.HEARTBEAT, i, ""));
            next();
        }
        assertThat(logic.heartbeats()).isEmpty();
        ch.advanceTimeBy(76, TimeUnit.SECONDS);
        ch.writeInbound(frame(1, Op.HEARTBEAT, 9, ""));
        next();
        ch.writeInbound(frame(1, Op.HEARTBEAT, 10, ""));
        next();
        assertThat(logic.heartbeats()).hasSize(1);
    }

    @Test
    void shouldChangeRoomAndWatchOpsEchoingTheBody() {
        channel();
        authenticate(1, "k", "live://a");
        ch.writeInbound(frame(1, Op.CHANGE_ROOM, 3, "live://b"));
        assertThat(next()).containsExactly(Op.CHANGE_ROOM_REPLY, 3, ByteBufUtil.hexDump("live://b".getBytes()));
        assertThat(index.room("live://a")).isNull();
        assertThat(index.room("live://b").online()).isEqualTo(1);
        ch.writeInbound(frame(1, Op.SUB, 4, "1001,1002"));
        assertThat(next()[0]).isEqualTo(Op.SUB_REPLY);
        ch.writeInbound(frame(1, Op.UNSUB, 5, "1000"));
        assertThat(next()[0]).isEqualTo(Op.UNSUB_REPLY);
        assertThat(index.session("k").watchedOps()).containsExactly(1001, 1002);
        ch.writeInbound(frame(1, Op.CHANGE_ROOM, 6, ""));
        next();
        assertThat(index.room("live://b")).isNull();
    }

    @Test
    void shouldAnswerBadOpListsAndRoomIdsWithErrorRepliesAndKeepTheSession() {
        channel();
        authenticate(EXT, "k", "");
        ch.writeInbound(frame(EXT, Op.SUB, 4, "10a0"));
        Object[] err = next();
        assertThat(err[0]).isEqualTo(Op.ERROR_REPLY);
        assertThat(err[1]).isEqualTo(4);
        assertThat(new String(ByteBufUtil.decodeHexDump((String) err[2]))).contains("\"code\":11");
        ch.writeInbound(frame(EXT, Op.CHANGE_ROOM, 5, "r".repeat(300)));
        err = next();
        assertThat(new String(ByteBufUtil.decodeHexDump((String) err[2]))).contains("\"code\":10");
        assertThat(ch.isActive()).isTrue();
        // not UTF-8: refused, not decoded with a replacement char (live://0xff and live://0xfe were one room)
        for (int b : new int[] {0xff, 0xfe, 0xc0}) {
            byte[] id = "live://x".getBytes(StandardCharsets.US_ASCII);
            id[id.length - 1] = (byte) b;
            ch.writeInbound(frame(EXT, Op.CHANGE_ROOM, 6, id));
            err = next();
            assertThat(err[0]).isEqualTo(Op.ERROR_REPLY);
            assertThat(new String(ByteBufUtil.decodeHexDump((String) err[2]))).contains("\"code\":10")
                    .contains("UTF-8");
        }
        assertThat(index.room("live://\uFFFD")).isNull();
        assertThat(index.session("k").room()).isNull();
        // UTF-8 beyond ASCII is a room id like any other
        ch.writeInbound(frame(EXT, Op.CHANGE_ROOM, 7, "live://直播"));
        assertThat(next()[0]).isEqualTo(Op.CHANGE_ROOM_REPLY);
        assertThat(index.room("live://直播").online()).isEqualTo(1);
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void shouldCloseOversizeAndForbiddenFramesWithTheirCodes() {
        channel();
        authenticate(EXT, "k", "");
        ch.writeInbound(frame(EXT, Op.SEND_MSG, 6, "x".repeat(config.protocol().maxBodyBytes() + 1)));
        assertGoodbye(ErrorCode.BODY_TOO_LARGE, CloseCode.FRAME_TOO_LARGE);
    }

    @Test
    void shouldCloseWithShutdownWhenAuthCompletesWhileTheCometDrains() {
        channel(() -> true);
        ch.writeInbound(frame(EXT, Op.AUTH, 1, token("k", "")));
        assertGoodbye(ErrorCode.UNAVAILABLE, CloseCode.SHUTDOWN);
        assertThat(index.sessionCount()).isZero();
        assertThat(logic.serverOf("k")).as("logic's route was undone").isNull();
        assertThat(logic.routesOf(1)).isEmpty();
    }

    @Test
    void shouldReplyToUpstreamAfterLogicAndRefuseMoreThanTheInFlightBound() {
        CompletableFuture<Void> release = logic.holdReceives();
        channel();
        authenticate(EXT, "k", "");
        int max = config.protocol().maxInflightUpstream();
        for (int i = 0; i < max; i++) {
            ch.writeInbound(frame(EXT, 1000 + i, 100 + i, "m"));
        }
        assertThat((Object) ch.readOutbound()).as("no reply before logic answers").isNull();
        ch.writeInbound(frame(EXT, Op.SEND_MSG, 999, "over"));
        Object[] err = next();
        assertThat(err[0]).isEqualTo(Op.ERROR_REPLY);
        assertThat(err[1]).isEqualTo(999);
        assertThat(new String(ByteBufUtil.decodeHexDump((String) err[2]))).contains("\"code\":300");
        assertThat(metrics.drops(io.jgoim.comet.metrics.CometMetrics.DropReason.UPSTREAM_OVERFLOW)).isEqualTo(1);
        release.complete(null);
        ch.runPendingTasks();
        // replies carry the request's op and seq; their order follows logic's answers
        java.util.Set<Integer> seqs = new java.util.HashSet<>();
        for (int i = 0; i < max; i++) {
            Object[] r = next();
            assertThat((int) r[0] - 1000).isEqualTo((int) r[1] - 100);
            assertThat(r[2]).isEqualTo("");
            seqs.add((Integer) r[1]);
        }
        assertThat(seqs).hasSize(max);
        assertThat(logic.received()).hasSize(max);
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void shouldParseOpLists() {
        assertThat(OpList.parse(Unpooled.copiedBuffer("1000,1001", StandardCharsets.US_ASCII)))
                .containsExactly(1000, 1001);
        assertThat(OpList.parse(Unpooled.copiedBuffer("7", StandardCharsets.US_ASCII))).containsExactly(7);
        assertThat(OpList.parse(Unpooled.copiedBuffer("1,,2", StandardCharsets.US_ASCII))).isNull();
        assertThat(OpList.parse(Unpooled.copiedBuffer("99999999999", StandardCharsets.US_ASCII))).isNull();
        assertThat(OpList.parse(Unpooled.EMPTY_BUFFER)).isNull();
    }
}
