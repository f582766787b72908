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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static io.jgoim.comet.transport.RawWebSocket.closePayload;
import static io.jgoim.comet.transport.RawWebSocket.frame;
import static io.jgoim.comet.transport.RawWebSocket.header64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RFC 6455 framing violations written by hand over a plain socket after a real upgrade, before and after auth: each
 * must close the WebSocket with the close code docs/errors.md names for it (PROTOCOL_ERROR 4504, FRAME_TOO_LARGE
 * 4505 for size) in the close frame, be counted under that code, and leave a bystander session served.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class WebSocketFramingIT {
    private static final int FIN_BINARY = 0x82;
    private static final int FIN_CLOSE = 0x88;
    private static final int FIN_PING = 0x89;
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

    /** A valid goim heartbeat, the payload of the well-formed frames the cases break. */
    private static byte[] heartbeat() {
        return TestClient.frame(PacketLayout.VERSION, Op.HEARTBEAT, 9, new byte[0]);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Each case: its name, the bytes (made once the comet's limits are known) and the close code it must get. */
    static Stream<Arguments> violations() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "unmasked client frame", max -> frame(FIN_BINARY, false, heartbeat()), CloseCode.PROTOCOL_ERROR);
        add(cases, "RSV1 without an extension", max -> frame(FIN_BINARY | 0x40, true, heartbeat()),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "RSV2", max -> frame(FIN_BINARY | 0x20, true, heartbeat()), CloseCode.PROTOCOL_ERROR);
        add(cases, "RSV3", max -> frame(FIN_BINARY | 0x10, true, heartbeat()), CloseCode.PROTOCOL_ERROR);
        for (int op : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            add(cases, "reserved opcode " + op, max -> frame(0x80 | op, true, new byte[4]), CloseCode.PROTOCOL_ERROR);
        }
        add(cases, "frame over webSocket.maxFrameBytes", max -> frame(FIN_BINARY, true, new byte[max + 1]),
                CloseCode.FRAME_TOO_LARGE);
        add(cases, "declared length 2^62", max -> header64(FIN_BINARY, 1L << 62), CloseCode.FRAME_TOO_LARGE);
        add(cases, "declared length 2^63-1", max -> header64(FIN_BINARY, Long.MAX_VALUE), CloseCode.FRAME_TOO_LARGE);
        add(cases, "declared length with the top bit set", max -> header64(FIN_BINARY, Long.MIN_VALUE),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "continuation with no start", max -> frame(0x80, true, heartbeat()), CloseCode.PROTOCOL_ERROR);
        add(cases, "data frame while a fragmented message is open",
                max -> concat(frame(0x02, true, heartbeat()), frame(FIN_BINARY, true, heartbeat())),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "fragmented binary message (its first fragment a whole goim frame)",
                max -> frame(0x02, true, heartbeat()), CloseCode.PROTOCOL_ERROR);
        add(cases, "ping over 125 bytes", max -> frame(FIN_PING, true, new byte[126]), CloseCode.PROTOCOL_ERROR);
        add(cases, "close over 125 bytes", max -> frame(FIN_CLOSE, true, closePayload(1000, new byte[124])),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "fragmented ping", max -> frame(0x09, true, new byte[2]), CloseCode.PROTOCOL_ERROR);
        add(cases, "fragmented close", max -> frame(0x08, true, closePayload(1000)), CloseCode.PROTOCOL_ERROR);
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535}) {
            add(cases, "close code " + code, max -> frame(FIN_CLOSE, true, closePayload(code)),
                    CloseCode.PROTOCOL_ERROR);
        }
        add(cases, "close with a 1-byte payload", max -> frame(FIN_CLOSE, true, new byte[] {3}),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "close reason not UTF-8",
                max -> frame(FIN_CLOSE, true, closePayload(1000, (byte) 0xff, (byte) 0xfe, (byte) 0xc0)),
                CloseCode.PROTOCOL_ERROR);
        // fuzzing: a reason cut inside a character was echoed, invalid UTF-8 in the server's own close frame
        add(cases, "close reason ends inside a character",
                max -> frame(FIN_CLOSE, true, closePayload(1000, (byte) 'a', (byte) 'b', (byte) 0xe2, (byte) 0x82)),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "close reason a lone lead byte",
                max -> frame(FIN_CLOSE, true, closePayload(1000, (byte) 0xf0, (byte) 0x9f, (byte) 0x98)),
                CloseCode.PROTOCOL_ERROR);
        add(cases, "text message", max -> frame(0x81, true, "{\"op\":2}".getBytes(StandardCharsets.UTF_8)),
                CloseCode.PROTOCOL_ERROR);
        List<Arguments> both = new ArrayList<>();
        for (Arguments a : cases) {
            for (boolean authed : new boolean[] {false, true}) {
                Object[] x = a.get();
                both.add(Arguments.of(x[0], authed, x[1], x[2]));
            }
        }
        return both.stream();
    }

    private static void add(List<Arguments> cases, String name, IntFunction<byte[]> bytes, CloseCode code) {
        cases.add(Arguments.of(name, bytes, code));
    }

    @ParameterizedTest(name = "{0}, after auth: {1}")
    @MethodSource("violations")
    void shouldCloseFramingViolationWithItsDocumentedCode(String name, boolean authed, IntFunction<byte[]> bytes,
                                                          CloseCode expected) throws Exception {
        double before = hostile.closes(expected);
        double normal = hostile.closes(CloseCode.NORMAL);
        try (RawWebSocket ws = open(authed)) {
            ws.write(bytes.apply(hostile.comet().config().webSocket().maxFrameBytes()));
            assertThat(ws.awaitCloseCode()).as(name).isEqualTo(expected.code());
            assertThat(ws.endsAfterClose()).as("the comet closes the connection").isTrue();
        }
        hostile.awaitCloses(expected, before + 1);
        assertThat(hostile.closes(CloseCode.NORMAL)).isEqualTo(normal);
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 3000, 4999})
    void shouldEchoThePeersValidCloseFrame(int code) throws Exception {
        for (boolean authed : new boolean[] {false, true}) {
            try (RawWebSocket ws = open(authed)) {
                ws.write(frame(FIN_CLOSE, true, closePayload(code, "bye".getBytes(StandardCharsets.UTF_8))));
                RawWebSocket.Frame echo = ws.next();
                assertThat(echo).isNotNull();
                assertThat(echo.opcode()).isEqualTo(0x8);
                assertThat(echo.closeCode()).isEqualTo(code);
                assertThat(new String(echo.payload(), 2, echo.payload().length - 2, StandardCharsets.UTF_8))
                        .isEqualTo("bye");
                assertThat(ws.endsAfterClose()).isTrue();
            }
        }
    }

    /**
     * A client that half-closes (TCP FIN, no close frame) has abandoned the closing handshake: the comet, whose
     * channels do not allow half-closure, closes the connection at once without a close frame (the client's close
     * code is 1006, RFC 6455 7.1.5) and drops the session; docs/protocol.md says why no close frame follows.
     */
    @Test
    void shouldCloseAHalfClosedWebSocketWithoutACloseFrame() throws Exception {
        for (boolean authed : new boolean[] {false, true}) {
            int sessions = hostile.comet().sessionCount();
            try (RawWebSocket ws = open(authed)) {
                ws.shutdownOutput();
                assertThat(ws.untilEnd()).as("bytes after the FIN, authed " + authed).isEmpty();
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> hostile.comet().sessionCount() == sessions);
        }
    }

    private static RawWebSocket open(boolean authed) throws Exception {
        RawWebSocket ws = RawWebSocket.open(hostile.comet().wsAddress(), hostile.comet().config().webSocket().path());
        if (authed) {
            ws.sendBinary(TestClient.frame(PacketLayout.VERSION, Op.AUTH, 1,
                    HostileComet.token(hostile.newKey(), "").getBytes(StandardCharsets.UTF_8)));
            byte[] reply = ws.nextBinary();
            assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        }
        return ws;
    }
}
