package io.jgoim.comet;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.comet.transport.PipelineNames;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcCometClient;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A comet on real sockets with the logic twin (production's in-memory logic): the session flows over TCP, TLS,
 * WebSocket and WSS, and every bad-input and fault case with its exact code, each checked against a bystander
 * session that must stay served.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class CometSessionIT {
    private static final int EXT = 2;
    private static LogicTwin logic;
    private static CometServer comet;
    private static TestClient bystander;
    private static final AtomicInteger KEYS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of(
                "JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT", "1s",
                "JGOIM_PROTOCOL_LOGIC_TIMEOUT", "400ms",
                "JGOIM_OUTBOUND_HIGH_WATER_MARK_BYTES", "16384",
                "JGOIM_OUTBOUND_LOW_WATER_MARK_BYTES", "8192",
                "JGOIM_OUTBOUND_SLOW_CLOSE_AFTER", "300ms",
                "JGOIM_TCP_SEND_BUFFER_BYTES", "8192")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        bystander = TestClient.connect(Mode.TCP, comet);
        bystander.auth(1, token(1, "bystander", "live://bystander"));
        assertThat(TestClient.op(bystander.next(3000))).isEqualTo(Op.AUTH_REPLY);
    }

    @AfterAll
    static void stop() {
        bystander.close();
        comet.close();
        logic.close();
    }

    @AfterEach
    void bystanderStillServed() throws Exception {
        logic.connectDelay(Duration.ZERO).failConnects(null);
        bystander.send(1, Op.HEARTBEAT, 77, new byte[0]);
        byte[] hb = bystander.next(2000);
        assertThat(hb).as("the bystander's heartbeat reply").isNotNull();
        assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(TestClient.seq(hb)).isEqualTo(77);
        assertThat(comet.index().session("bystander")).isNotNull();
    }

    static String token(long mid, String key, String room) {
        return "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"web\",\"accepts\":[1000,1001]}";
    }

    private static String newKey() {
        return "k" + KEYS.incrementAndGet();
    }

    private static TestClient authed(Mode mode, int ver, String key, String room) throws Exception {
        TestClient c = TestClient.connect(mode, comet);
        c.auth(ver, token(7, key, room));
        byte[] reply = c.next(3000);
        assertThat(reply).as("auth reply").isNotNull();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    private static Proto raw(int op, String body) {
        return Proto.newBuilder().setVer(1).setOp(Op.RAW)
                .setBody(ByteString.copyFrom(TestClient.frame(1, op, 0, body.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /** Reads what a refused extended TCP client gets: an error reply with {@code error}, then a disconnect. */
    private static void assertTcpGoodbye(TestClient c, ErrorCode error, CloseCode close) throws Exception {
        if (error != null) {
            byte[] err = c.next(3000);
            assertThat(err).as("error reply").isNotNull();
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + error.code() + ",");
        }
        byte[] bye = c.next(3000);
        assertThat(bye).as("disconnect frame").isNotNull();
        assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
        assertThat(TestClient.intBody(bye)).isEqualTo(close.code());
        c.closed().get(3, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldAuthHeartbeatAndReceiveKeyRoomAndBroadcastPushes(Mode mode) throws Exception {
        String key = newKey();
        String room = "live://" + key;
        try (TestClient c = authed(mode, 1, key, room)) {
            c.send(1, Op.HEARTBEAT, 2, new byte[0]);
            byte[] hb = c.next(3000);
            assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
            assertThat(TestClient.intBody(hb)).isEqualTo(1);

            PushMsgReply pr = comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key).addKeys("nobody")
                    .setProtoOp(1000).setProto(raw(1000, "to-key")).build()).get();
            assertThat(pr.getDelivered()).isEqualTo(1);
            assertThat(pr.getMissing()).isEqualTo(1);
            assertThat(TestClient.body(inner(mode, c.next(3000)))).isEqualTo("to-key");

            // A business op the session does not watch is filtered out (goim's NeedPush).
            pr = comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key).setProtoOp(2000)
                    .setProto(raw(2000, "unwatched")).build()).get();
            assertThat(pr.getDelivered()).isZero();

            comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                    .setProto(raw(1001, "to-room")).build()).get();
            assertThat(TestClient.body(inner(mode, c.next(3000)))).isEqualTo("to-room");

            BroadcastReply br = comet.pushService().broadcast(BroadcastReq.newBuilder().setProtoOp(1000)
                    .setProto(raw(1000, "to-all")).build()).get();
            assertThat(br.getDelivered()).isGreaterThanOrEqualTo(1);
            assertThat(TestClient.body(inner(mode, c.next(3000)))).isEqualTo("to-all");
            assertThat(comet.pushService().rooms(RoomsReq.getDefaultInstance()).get().getRoomsMap())
                    .containsKey(room);
        }
        // the bystander (TCP, watching 1000) got the broadcast too
        assertThat(TestClient.body(bystander.next(3000))).isEqualTo("to-all");
    }

    private static byte[] inner(Mode mode, byte[] unit) {
        assertThat(unit).as("a push within the timeout").isNotNull();
        if (mode == Mode.WS || mode == Mode.WSS) {
            assertThat(TestClient.op(unit)).isEqualTo(Op.RAW);
            return java.util.Arrays.copyOfRange(unit, 16, unit.length);
        }
        return unit;
    }

    @Test
    void shouldCloseExtendedTcpClientWithNotAuthenticatedWhenFirstFrameIsNotAuth() throws Exception {
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            c.send(EXT, Op.HEARTBEAT, 3, new byte[0]);
            assertTcpGoodbye(c, ErrorCode.NOT_AUTHENTICATED, CloseCode.NOT_AUTHENTICATED);
        }
    }

    @Test
    void shouldCloseWebSocketWithNotAuthenticatedWhenFirstFrameIsNotAuth() throws Exception {
        try (TestClient c = TestClient.connect(Mode.WS, comet)) {
            c.send(1, Op.HEARTBEAT, 3, new byte[0]);
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.NOT_AUTHENTICATED.code());
        }
    }

    @Test
    void shouldRefuseMalformedTokenWithTokenMalformedAndAuthFailed() throws Exception {
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            c.auth(EXT, "{\"mid\":\"not a number\",\"key\":\"" + newKey() + "\"}");
            assertTcpGoodbye(c, ErrorCode.TOKEN_MALFORMED, CloseCode.AUTH_FAILED);
        }
        try (TestClient c = TestClient.connect(Mode.WSS, comet)) {
            c.auth(1, "not json");
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.AUTH_FAILED.code());
        }
    }

    @Test
    void shouldCloseGoimTcpClientSilentlyOnRefusedToken() throws Exception {
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            c.auth(1, "{bad json");
            c.closed().get(3, TimeUnit.SECONDS);
            assertThat(c.next(100)).as("a goim client gets no extension frame").isNull();
        }
        assertThat(comet.metrics().closes(CloseCode.AUTH_FAILED)).isGreaterThan(0);
    }

    @Test
    void shouldCloseSilentConnectionsWithHandshakeTimeout() throws Exception {
        double before = comet.metrics().closes(CloseCode.HANDSHAKE_TIMEOUT);
        try (TestClient tcp = TestClient.connect(Mode.TCP, comet);
             TestClient ws = TestClient.connect(Mode.WS, comet)) {
            assertThat(ws.closeCode().get(4, TimeUnit.SECONDS)).isEqualTo(CloseCode.HANDSHAKE_TIMEOUT.code());
            tcp.closed().get(4, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(3))
                .until(() -> comet.metrics().closes(CloseCode.HANDSHAKE_TIMEOUT) == before + 2);
    }

    @Test
    void shouldCloseWithLogicUnavailableWhenLogicIsSlowAndKeepServingOthers() throws Exception {
        logic.connectDelay(Duration.ofSeconds(2));
        try (TestClient ws = TestClient.connect(Mode.WS, comet);
             TestClient tcp = TestClient.connect(Mode.TCP, comet)) {
            ws.auth(1, token(5, newKey(), ""));
            tcp.auth(EXT, token(5, newKey(), ""));
            // While both wait for logic, the event loops still serve the bystander at once.
            long t0 = System.nanoTime();
            bystander.send(1, Op.HEARTBEAT, 9, new byte[0]);
            assertThat(TestClient.op(bystander.next(1000))).isEqualTo(Op.HEARTBEAT_REPLY);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(ws.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
            assertTcpGoodbye(tcp, ErrorCode.TIMEOUT, CloseCode.LOGIC_UNAVAILABLE);
        }
    }

    @Test
    void shouldCloseWithLogicUnavailableWhenLogicIsDown() throws Exception {
        logic.failConnects(ErrorCode.UNAVAILABLE);
        try (TestClient tcp = TestClient.connect(Mode.TLS, comet)) {
            tcp.auth(EXT, token(5, newKey(), ""));
            assertTcpGoodbye(tcp, ErrorCode.UNAVAILABLE, CloseCode.LOGIC_UNAVAILABLE);
        }
    }

    @Test
    void shouldCloseOversizeFrameWithFrameTooLarge() throws Exception {
        byte[] big = new byte[comet.config().protocol().maxBodyBytes() + 1];
        try (TestClient c = authed(Mode.TCP, EXT, newKey(), "")) {
            c.send(EXT, Op.SEND_MSG, 4, big);
            assertTcpGoodbye(c, ErrorCode.BODY_TOO_LARGE, CloseCode.FRAME_TOO_LARGE);
        }
        try (TestClient c = authed(Mode.WS, 1, newKey(), "")) {
            c.send(1, Op.SEND_MSG, 4, big);
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.FRAME_TOO_LARGE.code());
        }
    }

    @Test
    void shouldCloseMalformedFramesWithProtocolError() throws Exception {
        try (TestClient c = authed(Mode.TCP, EXT, newKey(), "")) {
            // headerLen 20 instead of 16
            c.sendHex("00000010001400020000000200000001");
            assertTcpGoodbye(c, ErrorCode.BAD_HEADER_LENGTH, CloseCode.PROTOCOL_ERROR);
        }
        try (TestClient c = authed(Mode.TCP, EXT, newKey(), "")) {
            c.send(EXT, Op.RAW, 5, new byte[] {1});
            assertTcpGoodbye(c, ErrorCode.OP_NOT_ALLOWED, CloseCode.PROTOCOL_ERROR);
        }
        try (TestClient c = authed(Mode.WS, 1, newKey(), "")) {
            c.send(new byte[] {0, 0, 0, 1, 2});
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
        }
    }

    @Test
    void shouldClosePlaintextClientOnTheTlsPort() throws Exception {
        double before = comet.metrics().closes(CloseCode.PROTOCOL_ERROR);
        try (TestClient c = TestClient.connect(Mode.TCP, comet.tcpTlsAddress(), "/sub")) {
            c.auth(1, token(5, newKey(), ""));
            c.closed().get(3, TimeUnit.SECONDS);
            assertThat(c.next(100)).isNull();
        }
        await().atMost(Duration.ofSeconds(3))
                .until(() -> comet.metrics().closes(CloseCode.PROTOCOL_ERROR) == before + 1);
    }

    @Test
    void shouldAnswerPingsAndEchoTheClientsCloseOnceNettysProtocolHandlerAndEncoderAreGone() throws Exception {
        String key = newKey();
        try (TestClient c = authed(Mode.WS, 1, key, "")) {
            io.netty.channel.Channel server = comet.index().session(key).channel();
            assertThat(server.pipeline().get(PipelineNames.WS_PROTOCOL)).as("Netty's protocol handler").isNull();
            assertThat(server.pipeline().get(PipelineNames.WS_NOT_FOUND)).isNull();
            assertThat(server.pipeline().get("wsencoder")).as("Netty's frame encoder").isNull();
            assertThat(server.hasAttr(AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER"))).isFalse();
            c.sendFrame(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
            assertThat(c.nextPong(3000)).containsExactly(1, 2, 3);
            c.sendFrame(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {4}))); // dropped, not an error
            c.send(1, Op.HEARTBEAT, 5, new byte[0]);
            byte[] hb = c.next(3000);
            assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
            assertThat(TestClient.seq(hb)).isEqualTo(5);
            c.sendFrame(new CloseWebSocketFrame(4321, "bye"));
            assertThat(c.closeCode().get(3, TimeUnit.SECONDS)).as("the echoed close").isEqualTo(4321);
            c.closed().get(3, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(3)).until(() -> comet.index().session(key) == null);
        }
    }

    @Test
    void shouldAnswerWebSocketUpgradeOnAnotherPathWith404() {
        assertThatThrownBy(() -> TestClient.tryUpgrade(Mode.WS, comet.wsAddress(), "/other").get(3,
                TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("404");
    }

    @Test
    void shouldReplaceSessionWithSameKeyAndKeepTheNewOne() throws Exception {
        String key = newKey();
        try (TestClient first = authed(Mode.TCP, EXT, key, "live://replace");
             TestClient second = authed(Mode.WS, 1, key, "live://replace")) {
            assertTcpGoodbye(first, null, CloseCode.REPLACED);
            await().atMost(Duration.ofSeconds(3)).until(() -> comet.index().room("live://replace") != null
                    && comet.index().room("live://replace").online() == 1);
            Session s = comet.index().session(key);
            assertThat(s.transport()).isEqualTo(SessionTransport.WEBSOCKET);
            assertThat(logic.serverOf(key)).as("the old session's close kept the new route")
                    .isEqualTo(comet.config().node().id());
            second.send(1, Op.HEARTBEAT, 8, new byte[0]);
            byte[] hb = second.next(3000);
            assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
            assertThat(TestClient.intBody(hb)).isEqualTo(1);
        }
    }

    @Test
    void shouldCloseSlowConsumerWithSlowAndKeepMemoryBoundedWhileOthersReceive() throws Exception {
        String room = "live://slow";
        String slowKey = newKey();
        int high = comet.config().outbound().highWaterMarkBytes();
        try (Socket slow = new Socket();
             TestClient fast = authed(Mode.TCP, 1, newKey(), room)) {
            slow.setReceiveBufferSize(4096);
            slow.connect(comet.tcpAddress());
            OutputStream out = slow.getOutputStream();
            out.write(TestClient.frame(1, Op.AUTH, 1, token(3, slowKey, room).getBytes(StandardCharsets.UTF_8)));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] authReply = in.readNBytes(16);
            assertThat(ByteBuffer.wrap(authReply).getInt(8)).isEqualTo(Op.AUTH_REPLY);
            await().until(() -> comet.index().session(slowKey) != null);
            Session slowSession = comet.index().session(slowKey);

            String body = "x".repeat(1000);
            long maxPending = 0;
            int pushes = 0;
            int fastGot = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slowSession.channel().isActive() && System.nanoTime() < deadline) {
                comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                        .setProto(raw(1000, body)).build()).get();
                pushes++;
                var ob = slowSession.channel().unsafe().outboundBuffer();
                if (ob != null) {
                    maxPending = Math.max(maxPending, ob.totalPendingWriteBytes());
                }
                // the fast member keeps reading everything
                while (fast.next(pushes - fastGot > 50 ? 2000 : 0) != null) {
                    fastGot++;
                }
                if (pushes % 20 == 0) {
                    Thread.sleep(20);
                }
            }
            assertThat(slowSession.channel().isActive()).as("slow session closed").isFalse();
            assertThat(maxPending).as("outbound bytes held for the slow session")
                    .isLessThanOrEqualTo(high + 2 * 1016L);
            assertThat(comet.metrics().closes(CloseCode.SLOW)).isGreaterThanOrEqualTo(1);
            assertThat(comet.metrics().drops(DropReason.SLOW)).isGreaterThan(0);
            // the channel reports inactive before its inactive event has run on the event loop
            await().atMost(Duration.ofSeconds(3)).until(() -> comet.index().session(slowKey) == null);
            while (fastGot < pushes) {
                assertThat(fast.next(3000)).as("push %d to the fast member", fastGot).isNotNull();
                fastGot++;
            }
        }
    }

    /**
     * A lone room push to a plain TCP member goes to its socket at once; once the socket's buffers are full the rest
     * waits in the outbound buffer, and later pushes queue behind it until it drains (even when the socket has room
     * again before the loop wrote the queue), then go at once again. The member must get every push exactly once and
     * in order across those changes.
     */
    @Test
    void shouldKeepRoomPushesInOrderWhileAMembersSocketFillsQueuesAndDrains() throws Exception {
        String room = "live://fill";
        String key = newKey();
        try (Socket member = new Socket()) {
            member.setReceiveBufferSize(4096);
            member.connect(comet.tcpAddress());
            OutputStream out = member.getOutputStream();
            out.write(TestClient.frame(1, Op.AUTH, 1, token(3, key, room).getBytes(StandardCharsets.UTF_8)));
            out.flush();
            InputStream in = member.getInputStream();
            assertThat(ByteBuffer.wrap(in.readNBytes(16)).getInt(8)).isEqualTo(Op.AUTH_REPLY);
            await().until(() -> comet.index().session(key) != null);
            Session session = comet.index().session(key);
            var ob = session.channel().unsafe().outboundBuffer();

            String body = "y".repeat(400);
            int sent = 0;
            // the member does not read: pushes fill its socket, then one is split and queued
            while (ob.totalPendingWriteBytes() == 0 && sent < 2000) {
                pushSeq(room, sent++, body);
            }
            assertThat(ob.totalPendingWriteBytes()).as("bytes queued behind a full socket").isPositive();
            // the socket gets room while the loop is held, so the next pass finds bytes queued AND a socket that
            // would take more: the push must still go behind the queued bytes
            CountDownLatch hold = new CountDownLatch(1);
            session.channel().eventLoop().execute(() -> {
                try {
                    hold.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int read = 0;
            while (read < sent / 2) {
                assertPush(in, read++);
            }
            Thread.sleep(100);
            var behind = comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                    .setProto(seqProto(sent++, body)).build());
            hold.countDown();
            behind.get();
            for (int i = 0; i < 2; i++) {
                pushSeq(room, sent++, body);
            }
            while (read < sent) {
                assertPush(in, read++);
            }
            await().until(() -> ob.totalPendingWriteBytes() == 0);
            for (int i = 0; i < 5; i++) {
                pushSeq(room, sent++, body); // straight to the socket again
            }
            while (read < sent) {
                assertPush(in, read++);
            }
            assertThat(session.channel().isActive()).isTrue();
            member.setSoTimeout(200);
            assertThatThrownBy(in::read).as("nothing more, no duplicate").isInstanceOf(
                    SocketTimeoutException.class);
        }
    }

    private static void pushSeq(String room, int seq, String body) throws Exception {
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                .setProto(seqProto(seq, body)).build()).get();
    }

    private static Proto seqProto(int seq, String body) {
        return Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(
                TestClient.frame(1, 1000, seq, body.getBytes(StandardCharsets.UTF_8)))).build();
    }

    private static void assertPush(InputStream in, int seq) throws Exception {
        ByteBuffer head = ByteBuffer.wrap(in.readNBytes(16));
        assertThat(head.remaining()).as("push %d", seq).isEqualTo(16);
        assertThat(head.getInt(8)).as("op of push %d", seq).isEqualTo(1000);
        assertThat(head.getInt(12)).as("push in order").isEqualTo(seq);
        assertThat(in.readNBytes(head.getInt(0) - 16)).hasSize(400);
    }

    @Test
    void shouldServePushesThroughGrpcAndMetricsOnTheAdminPort() throws Exception {
        String key = newKey();
        ManagedChannel ch = NettyChannelBuilder.forAddress(comet.rpcAddress()).usePlaintext().build();
        try (TestClient c = authed(Mode.TCP, 1, key, "")) {
            GrpcCometClient grpc = new GrpcCometClient(ch, Duration.ofSeconds(3));
            PushMsgReply r = grpc.pushMsg(PushMsgReq.newBuilder().addKeys(key).setProtoOp(1000)
                    .setProto(raw(1000, "over-grpc")).build()).get(3, TimeUnit.SECONDS);
            assertThat(r.getDelivered()).isEqualTo(1);
            assertThat(TestClient.body(c.next(3000))).isEqualTo("over-grpc");
            assertThatThrownBy(() -> grpc.broadcastRoom(BroadcastRoomReq.newBuilder().setProto(raw(1000, "x"))
                    .build()).get(3, TimeUnit.SECONDS)).hasCauseInstanceOf(JgoimException.class)
                    .satisfies(e -> assertThat(((JgoimException) e.getCause()).code()).isEqualTo(ErrorCode.BAD_ROOM));

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + comet.adminAddress().getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jgoim_comet_sessions{transport=\"tcp\"}",
                    "jgoim_comet_frames_in_total{op=\"auth\"}", "jgoim_comet_pushes_delivered_total{kind=\"key\"}",
                    "jgoim_comet_drops_total{reason=\"slow\"}", "jgoim_comet_closes_total{reason=\"slow\"}",
                    "jgoim_comet_auth_latency_seconds_bucket", "jgoim_comet_event_loop_pending_tasks",
                    "jgoim_comet_rooms");
        } finally {
            ch.shutdownNow();
        }
    }
}
