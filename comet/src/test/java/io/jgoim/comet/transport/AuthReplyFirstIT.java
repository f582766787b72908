package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jgoim.comet.transport.HostileComet.PUSH_OP;
import static io.jgoim.comet.transport.HostileComet.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auth reply (op 8) is a client's first frame, also for a position-aware client (ver 3) whose auth reply waits
 * for its streams' history: a plain push (a room push without a position, a key push) that reaches the session,
 * registered by then, goes out after op 8, not before it. ProtocolFuzzIT found the reverse over WebSocket.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class AuthReplyFirstIT {
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

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldWriteTheAuthReplyBeforePushesThatCameWhileItsResumeReadHistory(Mode mode) throws Exception {
        String key = hostile.newKey();
        String room = "live://first-" + key;
        CompletableFuture<Void> history = hostile.logic().holdHistory();
        try (TestClient c = TestClient.connect(mode, hostile.comet())) {
            c.send(PacketLayout.VERSION_POSITIONS, Op.AUTH, 1,
                    HostileComet.token(key, room).getBytes(StandardCharsets.UTF_8));
            await().atMost(5, TimeUnit.SECONDS).until(() -> hostile.comet().index().session(key) != null);
            assertThat(hostile.comet().pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                    .setProto(push("{\"n\":1}")).build()).get(5, TimeUnit.SECONDS).getDelivered()).isEqualTo(1);
            assertThat(hostile.comet().pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key).setProtoOp(PUSH_OP)
                    .setProto(push("{\"n\":2}")).build()).get(5, TimeUnit.SECONDS).getDelivered()).isEqualTo(1);
            assertThat(c.next(300)).as("nothing before the auth reply").isNull();

            history.complete(null);
            byte[] reply = c.next(5000);
            assertThat(reply).as("auth reply").isNotNull();
            assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
            assertThat(pushBody(c.next(5000), mode)).isEqualTo("{\"n\":1}");
            assertThat(pushBody(c.next(5000), mode)).isEqualTo("{\"n\":2}");
        } finally {
            history.complete(null);
        }
    }

    /** The body of a one-frame push: over TCP the frame itself, over WebSocket the frame inside the op-9 message. */
    private static String pushBody(byte[] unit, Mode mode) {
        assertThat(unit).as("a push").isNotNull();
        byte[] frame = unit;
        if (mode == Mode.WS) {
            assertThat(TestClient.op(unit)).isEqualTo(Op.RAW);
            frame = Arrays.copyOfRange(unit, PacketLayout.HEADER_LENGTH, unit.length);
            assertThat(ByteBuffer.wrap(frame).getInt()).as("one inner frame").isEqualTo(frame.length);
        }
        assertThat(TestClient.op(frame)).isEqualTo(PUSH_OP);
        return TestClient.body(frame);
    }
}
