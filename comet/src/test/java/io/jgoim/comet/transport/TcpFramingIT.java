package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed TCP frames on a real comet, before and after auth, from a jgoim-aware (ver 2) client: each closes the
 * session with the error and close code docs/protocol.md's table names, counted under that close code, and leaves a
 * bystander served. A refusal the codec makes from the frame's whole header (op, body) answers with an error reply
 * even before auth, as a first frame that decodes does; one it makes from packLen or headerLen alone cannot know the
 * client's ver, so before auth the connection just closes, as for a goim client.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class TcpFramingIT {
    private static final short EXT = PacketLayout.VERSION_EXTENDED;
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

    /** A frame header as given (no body behind it unless {@code body} is non-empty). */
    private static byte[] raw(int packLen, int headerLen, int ver, int op, int seq, byte[] body) {
        ByteBuf b = Unpooled.buffer(16 + body.length);
        b.writeInt(packLen).writeShort(headerLen).writeShort(ver).writeInt(op).writeInt(seq).writeBytes(body);
        return ByteBufUtil.getBytes(b);
    }

    static Stream<Arguments> malformed() {
        List<Arguments> cases = new ArrayList<>();
        byte[] none = new byte[0];
        // refused from packLen / headerLen alone (the header is not read whole)
        add(cases, "packLen 8", max -> raw(8, 16, EXT, Op.HEARTBEAT, 5, none), ErrorCode.BAD_PACKET,
                CloseCode.PROTOCOL_ERROR, false);
        add(cases, "packLen -1", max -> raw(-1, 16, EXT, Op.HEARTBEAT, 5, none), ErrorCode.BAD_PACKET,
                CloseCode.PROTOCOL_ERROR, false);
        add(cases, "headerLen 20", max -> raw(16, 20, EXT, Op.HEARTBEAT, 5, none), ErrorCode.BAD_HEADER_LENGTH,
                CloseCode.PROTOCOL_ERROR, false);
        add(cases, "body over protocol.maxBodyBytes", max -> raw(16 + max + 1, 16, EXT, Op.SEND_MSG, 5, none),
                ErrorCode.BODY_TOO_LARGE, CloseCode.FRAME_TOO_LARGE, false);
        add(cases, "packLen Integer.MAX_VALUE", max -> raw(Integer.MAX_VALUE, 16, EXT, Op.SEND_MSG, 5, none),
                ErrorCode.BODY_TOO_LARGE, CloseCode.FRAME_TOO_LARGE, false);
        // refused from the whole header
        byte[] one = {1};
        add(cases, "op 9 (raw) from a client", max -> raw(17, 16, EXT, Op.RAW, 5, one), ErrorCode.OP_NOT_ALLOWED,
                CloseCode.PROTOCOL_ERROR, true);
        add(cases, "a reply op (3)", max -> raw(16, 16, EXT, Op.HEARTBEAT_REPLY, 5, none), ErrorCode.UNKNOWN_OP,
                CloseCode.PROTOCOL_ERROR, true);
        add(cases, "an extension op (19)", max -> raw(17, 16, EXT, Op.ERROR_REPLY, 5, one), ErrorCode.UNKNOWN_OP,
                CloseCode.PROTOCOL_ERROR, true);
        add(cases, "op 500", max -> raw(17, 16, EXT, 500, 5, one), ErrorCode.UNKNOWN_OP, CloseCode.PROTOCOL_ERROR,
                true);
        add(cases, "watch (14) with an empty body", max -> raw(16, 16, EXT, Op.SUB, 5, none), ErrorCode.EMPTY_BODY,
                CloseCode.PROTOCOL_ERROR, true);
        add(cases, "auth (7) with an empty body", max -> raw(16, 16, EXT, Op.AUTH, 5, none), ErrorCode.EMPTY_BODY,
                CloseCode.PROTOCOL_ERROR, true);
        List<Arguments> both = new ArrayList<>();
        for (Arguments a : cases) {
            for (boolean authed : new boolean[] {false, true}) {
                Object[] x = a.get();
                both.add(Arguments.of(x[0], authed, x[1], x[2], x[3], x[4]));
            }
        }
        return both.stream();
    }

    private static void add(List<Arguments> cases, String name, IntFunction<byte[]> bytes, ErrorCode error,
                            CloseCode close, boolean headerWhole) {
        cases.add(Arguments.of(name, bytes, error, close, headerWhole));
    }

    @ParameterizedTest(name = "{0}, after auth: {1}")
    @MethodSource("malformed")
    void shouldCloseMalformedFrameWithItsDocumentedCodes(String name, boolean authed, IntFunction<byte[]> bytes,
                                                         ErrorCode error, CloseCode close, boolean headerWhole)
            throws Exception {
        double before = hostile.closes(close);
        try (TestClient c = TestClient.connect(Mode.TCP, hostile.comet())) {
            if (authed) {
                c.auth(EXT, HostileComet.token(hostile.newKey(), ""));
                byte[] reply = c.next(3000);
                assertThat(reply).as("auth reply").isNotNull();
                assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
            }
            c.send(bytes.apply(hostile.comet().config().protocol().maxBodyBytes()));
            if (authed || headerWhole) {
                byte[] err = c.next(3000);
                assertThat(err).as(name + ": error reply").isNotNull();
                assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
                assertThat(TestClient.body(err)).startsWith("{\"code\":" + error.code() + ",");
                assertThat(TestClient.seq(err)).isEqualTo(headerWhole ? 5 : 0);
                byte[] bye = c.next(3000);
                assertThat(bye).as(name + ": disconnect frame").isNotNull();
                assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
                assertThat(TestClient.intBody(bye)).isEqualTo(close.code());
            }
            c.closed().get(3, TimeUnit.SECONDS);
            assertThat(c.next(50)).as("nothing after the goodbye").isNull();
        }
        hostile.awaitCloses(close, before + 1);
    }

    /** Part of a frame, then nothing: the frame codec holds the bytes, the handshake deadline (from accept) ends it. */
    static Stream<Arguments> stalled() {
        byte[] header = raw(40, 16, EXT, Op.AUTH, 1, new byte[] {'{'});
        return Stream.of(Arguments.of("half a header", java.util.Arrays.copyOf(header, 6)),
                Arguments.of("a header and part of its body", header));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stalled")
    void shouldCloseAStalledFirstFrameAtTheHandshakeDeadline(String name, byte[] part) throws Exception {
        double before = hostile.closes(CloseCode.HANDSHAKE_TIMEOUT);
        long deadline = hostile.comet().config().protocol().handshakeTimeout().toMillis();
        long start = System.nanoTime();
        try (TestClient c = TestClient.connect(Mode.TCP, hostile.comet())) {
            c.send(part);
            c.closed().get(deadline + 3000, TimeUnit.MILLISECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as(name)
                    .isGreaterThanOrEqualTo(deadline - 100);
            // its ver was never read whole: closed as a goim client is, with no frame
            assertThat(c.next(50)).as("nothing before the close").isNull();
        }
        hostile.awaitCloses(CloseCode.HANDSHAKE_TIMEOUT, before + 1);
    }
}
