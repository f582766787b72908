package io.jgoim.comet.transport;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestConfigs;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Room pushes to WebSocket sessions, read byte by byte by a plain-socket WebSocket client after a real upgrade: every
 * push is one unmasked final binary frame holding the op-9 wrapped frames, with the shortest length encoding (7, 16
 * and 64 bits), over WS and WSS; pushes stay in order with replies and the close frame, and with the socket filling,
 * queueing and draining; a WebSocket member that stops reading is closed with SLOW within its byte bound.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class WebSocketPushIT {
    private static final int HIGH_WATER_MARK = 16384;
    private static LogicTwin logic;
    private static CometServer comet;
    private static final AtomicInteger KEYS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of(
                "JGOIM_OUTBOUND_HIGH_WATER_MARK_BYTES", Integer.toString(HIGH_WATER_MARK),
                "JGOIM_OUTBOUND_LOW_WATER_MARK_BYTES", "8192",
                "JGOIM_OUTBOUND_SLOW_CLOSE_AFTER", "300ms",
                "JGOIM_TCP_SEND_BUFFER_BYTES", "8192")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    /** Reads the upgrade's answer on {@code ws} and authenticates into {@code room}; returns the session. */
    private static Session auth(RawWebSocket ws, String key, String room) throws Exception {
        assertThat(ws.readHead()).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("sec-websocket-extensions");
        ws.sendBinary(TestClient.frame(1, Op.AUTH, 1, HostileComet.token(key, room).getBytes(StandardCharsets.UTF_8)));
        byte[] reply = ws.nextBinary();
        assertThat(ByteBuffer.wrap(reply).getInt(PacketLayout.OP_OFFSET)).isEqualTo(Op.AUTH_REPLY);
        await().until(() -> comet.index().session(key) != null);
        return comet.index().session(key);
    }

    private static RawWebSocket upgrade(boolean tls, int receiveBuffer) throws Exception {
        InetSocketAddress address = tls ? comet.wssAddress() : comet.wsAddress();
        Socket s = RawWebSocket.connect(address, tls, receiveBuffer);
        // The client offers permessage-deflate: the comet negotiates no extension (the check is in auth()).
        return RawWebSocket.request(s, address, comet.config().webSocket().path(), null,
                "permessage-deflate; client_max_window_bits");
    }

    /** One goim frame: op 1000, {@code seq}, {@code bodyLength} bytes of body. */
    private static byte[] inner(int seq, int bodyLength) {
        byte[] body = new byte[bodyLength];
        for (int i = 0; i < bodyLength; i++) {
            body[i] = (byte) ('a' + (i + seq) % 26);
        }
        return TestClient.frame(1, 1000, seq, body);
    }

    /** The exact bytes a WebSocket session must get for the push of {@code inner}. */
    private static byte[] expectedWire(byte[] inner) {
        return RawWebSocket.frame(0x82, false, TestClient.frame(PacketLayout.VERSION, Op.RAW, 0, inner));
    }

    private static void push(String room, byte[] inner) throws Exception {
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                .setProto(Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(inner))).build())
                .get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldSendEveryPushAsOneByteExactBinaryFrameWithTheShortestLengthEncoding(boolean tls) throws Exception {
        String room = "live://exact-" + tls;
        String key = "ws" + KEYS.incrementAndGet();
        try (RawWebSocket ws = upgrade(tls, 0)) {
            Session session = auth(ws, key, room);
            if (tls) {
                assertThat(session.channel().pipeline().first()).isInstanceOf(SslHandler.class);
            } else {
                // What the push path's straight-to-socket write relies on: nothing before the frame decoder, which
                // is inbound only, and the session codec the only handler behind it (the session handler is its
                // receiver, not in the pipeline).
                assertThat(session.channel()).isInstanceOf(EpollSocketChannel.class);
                assertThat(session.channel().pipeline().first()).isInstanceOf(WebSocket13FrameDecoder.class);
                assertThat(session.channel().pipeline().names()).containsExactly("wsdecoder",
                        PipelineNames.WS_CODEC, "DefaultChannelPipeline$TailContext#0");
            }
            // Payloads (op-9 header + the frame's 16-byte header + body): 16 + 16 + body bytes, on both sides of
            // the 7-bit (125) and 16-bit (65,535) length limits.
            int seq = 0;
            for (int body : new int[] {0, 10, 93, 94, 1000, 65503, 65504, 70000}) {
                byte[] inner = inner(seq++, body);
                push(room, inner);
                byte[] expected = expectedWire(inner);
                assertThat(ws.readBytes(expected.length)).as("push with a %d-byte body", body).isEqualTo(expected);
            }
            session.close(CloseCode.KICKED);
            assertThat(ws.awaitCloseCode()).isEqualTo(CloseCode.KICKED.code());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldKeepPushesInOrderWithRepliesAndTheCloseFrame(boolean tls) throws Exception {
        String room = "live://order-" + tls;
        String key = "ws" + KEYS.incrementAndGet();
        try (RawWebSocket ws = upgrade(tls, 0)) {
            auth(ws, key, room);
            for (int round = 0; round < 20; round++) {
                byte[] first = inner(2 * round, 40);
                byte[] second = inner(2 * round + 1, 200);
                push(room, first);
                ws.sendBinary(TestClient.frame(1, Op.HEARTBEAT, 100 + round, new byte[0]));
                byte[] expected = expectedWire(first);
                assertThat(ws.readBytes(expected.length)).isEqualTo(expected);
                byte[] hb = ws.nextBinary();
                assertThat(ByteBuffer.wrap(hb).getInt(PacketLayout.OP_OFFSET)).isEqualTo(Op.HEARTBEAT_REPLY);
                assertThat(ByteBuffer.wrap(hb).getInt(PacketLayout.SEQ_OFFSET)).isEqualTo(100 + round);
                push(room, second);
                expected = expectedWire(second);
                assertThat(ws.readBytes(expected.length)).isEqualTo(expected);
            }
            byte[] last = inner(99, 300);
            push(room, last);
            comet.index().session(key).close(CloseCode.KICKED);
            byte[] expected = expectedWire(last);
            assertThat(ws.readBytes(expected.length)).as("the last push before the close frame").isEqualTo(expected);
            RawWebSocket.Frame close = ws.next();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(CloseCode.KICKED.code());
            assertThat(ws.endsAfterClose()).isTrue();
        }
    }

    /**
     * As CometSessionIT's TCP case: a lone push goes to the socket at once; once the socket is full the rest waits in
     * the outbound buffer (a slice of a frame, then whole frames) and later pushes queue behind it, even when the
     * socket has room again before the loop wrote the queue; the member gets every frame exactly once, in order.
     */
    @Test
    void shouldKeepPushesInOrderWhileAWebSocketMembersSocketFillsQueuesAndDrains() throws Exception {
        String room = "live://fill";
        String key = "ws" + KEYS.incrementAndGet();
        double slowDropsBefore = comet.metrics().drops(DropReason.SLOW);
        try (RawWebSocket ws = upgrade(false, 4096)) {
            Session session = auth(ws, key, room);
            var ob = session.channel().unsafe().outboundBuffer();
            int sent = 0;
            while (ob.totalPendingWriteBytes() == 0 && sent < 2000) {
                push(room, inner(sent++, 400));
            }
            assertThat(ob.totalPendingWriteBytes()).as("bytes queued behind a full socket").isPositive();
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
                assertPush(ws, read++);
            }
            Thread.sleep(100);
            var behind = comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                    .setProto(Proto.newBuilder().setVer(1).setOp(Op.RAW)
                            .setBody(ByteString.copyFrom(inner(sent++, 400)))).build());
            hold.countDown();
            behind.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 2; i++) {
                push(room, inner(sent++, 400));
            }
            while (read < sent) {
                assertPush(ws, read++);
            }
            await().until(() -> ob.totalPendingWriteBytes() == 0);
            for (int i = 0; i < 5; i++) {
                push(room, inner(sent++, 400)); // straight to the socket again
            }
            while (read < sent) {
                assertPush(ws, read++);
            }
            assertThat(session.channel().isActive()).isTrue();
            assertThat(comet.metrics().drops(DropReason.SLOW)).as("nothing dropped").isEqualTo(slowDropsBefore);
            assertThatThrownBy(() -> ws.readBytes(1)).as("nothing more, no duplicate")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    private static void assertPush(RawWebSocket ws, int seq) throws IOException {
        byte[] expected = expectedWire(inner(seq, 400));
        byte[] got = ws.readBytes(expected.length);
        if (!Arrays.equals(got, expected)) {
            ByteBuffer b = ByteBuffer.wrap(got);
            throw new AssertionError("push " + seq + ": got a frame with inner seq "
                    + b.getInt(4 + 16 + PacketLayout.SEQ_OFFSET));
        }
    }

    @Test
    void shouldCloseAWebSocketMemberThatStopsReadingWithSlowWithinItsByteBound() throws Exception {
        String room = "live://slow";
        String slowKey = "ws" + KEYS.incrementAndGet();
        double slowClosesBefore = comet.metrics().closes(CloseCode.SLOW);
        try (RawWebSocket slow = upgrade(false, 4096);
             RawWebSocket fast = upgrade(false, 0)) {
            Session slowSession = auth(slow, slowKey, room);
            auth(fast, "ws" + KEYS.incrementAndGet(), room);
            byte[] inner = inner(0, 1000);
            byte[] expected = expectedWire(inner);
            long maxPending = 0;
            int pushes = 0;
            int fastGot = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slowSession.channel().isActive() && System.nanoTime() < deadline) {
                push(room, inner);
                pushes++;
                var ob = slowSession.channel().unsafe().outboundBuffer();
                if (ob != null) {
                    maxPending = Math.max(maxPending, ob.totalPendingWriteBytes());
                }
                while (fastGot < pushes) {
                    assertThat(fast.readBytes(expected.length)).isEqualTo(expected);
                    fastGot++;
                }
                if (pushes % 20 == 0) {
                    Thread.sleep(20);
                }
            }
            assertThat(slowSession.channel().isActive()).as("slow session closed").isFalse();
            assertThat(maxPending).as("outbound bytes held for the slow session")
                    .isLessThanOrEqualTo(HIGH_WATER_MARK + 2L * expected.length);
            assertThat(comet.metrics().closes(CloseCode.SLOW)).isEqualTo(slowClosesBefore + 1);
            assertThat(comet.metrics().drops(DropReason.SLOW)).isPositive();
            await().atMost(Duration.ofSeconds(3)).until(() -> comet.index().session(slowKey) == null);
        }
    }
}
