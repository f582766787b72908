package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session closed while the client's bytes are still unread — here the rest of a burst of upstream messages past
 * the session's rate — gets its goodbye (op 19, then op 18 with 4019 over TCP; the close frame with 4019 over
 * WebSocket) and a FIN, never a reset: before the lingering close the kernel answered the unread bytes with a reset
 * that overtook the goodbye in about a quarter of the runs, and the client learned a reset instead of the code. Each
 * transport is tried {@value #RUNS} times; the bystander is served after.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class GoodbyeLingerIT {
    private static final int RUNS = 15;
    private static final int BURST = 200;
    private static final short EXT = PacketLayout.VERSION_EXTENDED;
    private static HostileComet hostile;

    @BeforeAll
    static void start() throws Exception {
        // the session rate the burst breaks (the test configs turn limits off)
        hostile = new HostileComet(Map.of("JGOIM_LIMITS_UPSTREAM_RATE", "50"));
    }

    @AfterAll
    static void stop() {
        hostile.close();
    }

    @AfterEach
    void bystanderStillServed() throws Exception {
        hostile.assertBystanderServed();
    }

    @Test
    void shouldSendATcpClientItsGoodbyeNotAResetWhenItsBytesAreUnread() throws Exception {
        InetSocketAddress address = TestClient.address(TestClient.Mode.TCP, hostile.comet());
        double before = hostile.closes(CloseCode.SESSION_RATE_LIMITED);
        List<String> ends = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            try (Socket s = new Socket()) {
                s.connect(address, 3000);
                s.setSoTimeout(5000);
                s.getOutputStream().write(TestClient.frame(EXT, Op.AUTH, 1,
                        HostileComet.token(hostile.newKey(), "live://linger").getBytes(StandardCharsets.UTF_8)));
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertThat(readFrame(in)[1]).as("auth reply").isEqualTo(Op.AUTH_REPLY);
                s.getOutputStream().write(burst(false));
                ends.add(tcpEnd(in));
            }
        }
        assertThat(ends).as("how each run ended").containsOnly("op 18 " + CloseCode.SESSION_RATE_LIMITED.code()
                + ", then FIN");
        hostile.awaitCloses(CloseCode.SESSION_RATE_LIMITED, before + RUNS);
    }

    /**
     * Found by fuzzing: a goim (ver 1) client gets no goodbye, and the session was closed without a flush, so the
     * heartbeat reply written from the same read as the frame that ended the session was lost.
     */
    @Test
    void shouldSendAGoimClientTheRepliesWrittenBeforeTheFrameThatEndedItsSession() throws Exception {
        InetSocketAddress address = TestClient.address(TestClient.Mode.TCP, hostile.comet());
        for (int run = 0; run < RUNS; run++) {
            try (Socket s = new Socket()) {
                s.connect(address, 3000);
                s.setSoTimeout(5000);
                s.getOutputStream().write(TestClient.frame((short) 1, Op.AUTH, 1,
                        HostileComet.token(hostile.newKey(), "live://linger").getBytes(StandardCharsets.UTF_8)));
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertThat(readFrame(in)[1]).as("auth reply").isEqualTo(Op.AUTH_REPLY);
                ByteArrayOutputStream both = new ByteArrayOutputStream();
                both.write(TestClient.frame((short) 1, Op.HEARTBEAT, 100, new byte[0]));
                // then a frame whose packLen (8) is shorter than its header: the session ends
                both.write(new byte[] {0, 0, 0, 8, 0, 16, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
                s.getOutputStream().write(both.toByteArray());
                int[] reply = readFrame(in);
                assertThat(reply[1]).as("run %d: the heartbeat's reply", run).isEqualTo(Op.HEARTBEAT_REPLY);
                assertThat(in.read()).as("then the end, a FIN").isEqualTo(-1);
            }
        }
    }

    @Test
    void shouldSendAWebSocketClientItsCloseFrameNotAResetWhenItsBytesAreUnread() throws Exception {
        InetSocketAddress address = TestClient.address(TestClient.Mode.WS, hostile.comet());
        List<String> ends = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            try (RawWebSocket ws = RawWebSocket.open(address, "/sub")) {
                ws.sendBinary(TestClient.frame(EXT, Op.AUTH, 1,
                        HostileComet.token(hostile.newKey(), "live://linger").getBytes(StandardCharsets.UTF_8)));
                assertThat(ws.nextBinary()).as("auth reply").isNotEmpty();
                ws.write(burst(true));
                ends.add(webSocketEnd(ws));
            }
        }
        assertThat(ends).as("how each run ended").containsOnly("close " + CloseCode.SESSION_RATE_LIMITED.code()
                + ", then FIN");
    }

    /** {@value #BURST} upstream messages (op 4) in one write, each in a masked binary message over WebSocket. */
    private static byte[] burst(boolean webSocket) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int seq = 2; seq < 2 + BURST; seq++) {
            byte[] frame = TestClient.frame(EXT, Op.SEND_MSG, seq, new byte[] {'u'});
            b.writeBytes(webSocket ? RawWebSocket.frame(0x82, true, frame) : frame);
        }
        return b.toByteArray();
    }

    /** {op, ...}: reads one goim frame; its op at [1], the first 4 body bytes as an int at [2] when it has them. */
    private static int[] readFrame(DataInputStream in) throws IOException {
        int packLen = in.readInt();
        in.readShort();
        in.readShort();
        int op = in.readInt();
        in.readInt();
        byte[] body = new byte[packLen - 16];
        in.readFully(body);
        return new int[] {packLen, op, body.length >= 4 ? ByteBuffer.wrap(body).getInt() : -1};
    }

    /** How a TCP session ended: its op-18 code and whether a FIN or a reset followed. */
    private static String tcpEnd(DataInputStream in) {
        String code = "no op 18";
        try {
            for (;;) {
                int[] f = readFrame(in);
                if (f[1] == Op.DISCONNECT) {
                    code = "op 18 " + f[2];
                    return code + (in.read() < 0 ? ", then FIN" : ", then more bytes");
                }
            }
        } catch (SocketException e) {
            return code + ", then a reset (" + e.getMessage() + ")";
        } catch (IOException e) {
            return code + ", then " + e;
        }
    }

    /** How a WebSocket session ended: its close frame's code and whether a FIN or a reset followed. */
    private static String webSocketEnd(RawWebSocket ws) throws IOException {
        String code = "no close frame";
        for (RawWebSocket.Frame f; (f = ws.next()) != null; ) {
            if (f.opcode() == 0x8) {
                code = "close " + f.closeCode();
                break;
            }
        }
        try {
            byte[] more = ws.untilEnd();
            return code + (more.length == 0 ? ", then FIN" : ", then " + more.length + " more bytes");
        } catch (SocketException e) {
            return code + ", then a reset (" + e.getMessage() + ")";
        }
    }
}
