package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An auth frame (op 7) with an empty body, refused by the codec before the handshake reads its ver: a jgoim-aware
 * (ver 2) client gets the error reply other ver-2 refusals get (op 19, EMPTY_BODY, the auth's seq) and the close code
 * PROTOCOL_ERROR (4504) over TCP and WebSocket; a goim (ver 1) client keeps today's bytes: over TCP none, over
 * WebSocket the close frame alone.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class EmptyAuthBodyIT {
    private static final int AUTH_SEQ = 41;
    private static HostileComet hostile;

    @BeforeAll
    static void start() throws Exception {
        hostile = new HostileComet();
    }

    @AfterAll
    static void stop() {
        hostile.close();
    }

    @AfterEach
    void bystanderStillServed() throws Exception {
        hostile.assertBystanderServed();
    }

    private static byte[] emptyAuth(short ver) {
        return TestClient.frame(ver, Op.AUTH, AUTH_SEQ, new byte[0]);
    }

    private static void assertEmptyBodyErrorReply(byte[] err) {
        assertThat(err).as("error reply").isNotNull();
        assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
        assertThat(TestClient.seq(err)).isEqualTo(AUTH_SEQ);
        assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.EMPTY_BODY.code() + ",\"message\":");
    }

    @Test
    void shouldAnswerAnExtendedTcpClientWithAnErrorReplyAndDisconnect() throws Exception {
        double before = hostile.closes(CloseCode.PROTOCOL_ERROR);
        try (TestClient c = TestClient.connect(Mode.TCP, hostile.comet())) {
            c.send(emptyAuth(PacketLayout.VERSION_EXTENDED));
            assertEmptyBodyErrorReply(c.next(3000));
            byte[] bye = c.next(3000);
            assertThat(bye).as("disconnect frame").isNotNull();
            assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            c.closed().get(3, TimeUnit.SECONDS);
        }
        hostile.awaitCloses(CloseCode.PROTOCOL_ERROR, before + 1);
    }

    @Test
    void shouldAnswerAnExtendedWebSocketClientWithAnErrorReplyAndClose() throws Exception {
        double before = hostile.closes(CloseCode.PROTOCOL_ERROR);
        try (RawWebSocket ws = RawWebSocket.open(hostile.comet().wsAddress(),
                hostile.comet().config().webSocket().path())) {
            ws.sendBinary(emptyAuth(PacketLayout.VERSION_EXTENDED));
            assertEmptyBodyErrorReply(ws.nextBinary());
            RawWebSocket.Frame close = ws.next();
            assertThat(close).as("close frame").isNotNull();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            assertThat(ws.endsAfterClose()).isTrue();
        }
        hostile.awaitCloses(CloseCode.PROTOCOL_ERROR, before + 1);
    }

    @Test
    void shouldCloseAGoimTcpClientWithoutAByte() throws Exception {
        double before = hostile.closes(CloseCode.PROTOCOL_ERROR);
        try (TestClient c = TestClient.connect(Mode.TCP, hostile.comet())) {
            c.send(emptyAuth(PacketLayout.VERSION));
            c.closed().get(3, TimeUnit.SECONDS);
            assertThat(c.nextBytes(1, 50)).as("a goim client gets no goodbye over TCP").isNull();
        }
        hostile.awaitCloses(CloseCode.PROTOCOL_ERROR, before + 1);
    }

    @Test
    void shouldCloseAGoimWebSocketClientWithTheCloseFrameAlone() throws Exception {
        double before = hostile.closes(CloseCode.PROTOCOL_ERROR);
        try (RawWebSocket ws = RawWebSocket.open(hostile.comet().wsAddress(),
                hostile.comet().config().webSocket().path())) {
            ws.sendBinary(emptyAuth(PacketLayout.VERSION));
            RawWebSocket.Frame close = ws.next();
            assertThat(close).as("close frame").isNotNull();
            assertThat(close.opcode()).as("no error reply before the close frame").isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            assertThat(ws.endsAfterClose()).isTrue();
        }
        hostile.awaitCloses(CloseCode.PROTOCOL_ERROR, before + 1);
    }
}
