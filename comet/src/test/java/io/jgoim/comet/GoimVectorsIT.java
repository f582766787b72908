package io.jgoim.comet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufUtil;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replays the frames captured from a running goim v2 against a comet on real sockets (TCP and WebSocket) and compares
 * the answers byte for byte.
 */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class GoimVectorsIT {
    private static final Map<String, String> CLIENT = new HashMap<>();
    private static final Map<String, String> SERVER_TCP = new HashMap<>();
    private static final Map<String, String> SERVER_WS = new HashMap<>();
    private static LogicTwin logic;
    private static CometServer comet;

    @BeforeAll
    static void start() throws Exception {
        try (InputStream in = GoimVectorsIT.class.getResourceAsStream("/goim-v2-captured.json")) {
            for (JsonNode v : new ObjectMapper().readTree(in).get("vectors")) {
                String name = v.get("name").asText();
                String hex = v.get("hex").asText();
                if (v.get("direction").asText().startsWith("client")) {
                    CLIENT.put(name, hex);
                } else if (v.get("transport").asText().startsWith("websocket")) {
                    SERVER_WS.put(name, hex);
                } else {
                    SERVER_TCP.put(name, hex);
                }
            }
        }
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterAll
    static void stop() {
        comet.close();
        logic.close();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldAnswerEveryCapturedRequestWithGoimsBytes(Mode mode) throws Exception {
        try (TestClient c = TestClient.connect(mode, comet)) {
            c.sendHex(CLIENT.get("auth request"));
            assertThat(hex(c.next(3000))).isEqualTo(SERVER_TCP.get("auth reply"));
            if (mode == Mode.WS) {
                assertThat(SERVER_WS.get("auth reply")).isEqualTo(SERVER_TCP.get("auth reply"));
            }
            // The captured session was alone in its room: online count 1.
            c.sendHex(CLIENT.get("heartbeat"));
            assertThat(hex(c.next(3000))).isEqualTo(SERVER_TCP.get("heartbeat reply"));
            c.sendHex(CLIENT.get("watch ops"));
            assertThat(hex(c.next(3000))).isEqualTo(SERVER_TCP.get("watch ops reply"));
            c.sendHex(CLIENT.get("upstream send"));
            assertThat(hex(c.next(3000))).isEqualTo(SERVER_TCP.get("upstream send reply"));
            c.send(1, 1000, 5, "biz".getBytes());
            assertThat(hex(c.next(3000))).isEqualTo(SERVER_TCP.get("business op 1000 from client, reply"));
            c.sendHex(CLIENT.get("change room"));
            assertThat(hex(c.next(3000))).isEqualTo(SERVER_TCP.get("change room reply"));
            assertThat(logic.received()).anySatisfy(r -> assertThat(r.getProto().getBody().toStringUtf8())
                    .isEqualTo("hello upstream"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"TCP", "WS"})
    void shouldWritePushesAsGoimDoes(Mode mode) throws Exception {
        String key = "vec-" + mode;
        String room = "live://vec-" + mode;
        try (TestClient c = TestClient.connect(mode, comet)) {
            c.auth(1, "{\"mid\":9001,\"key\":\"" + key + "\",\"room_id\":\"" + room
                    + "\",\"platform\":\"web\",\"accepts\":[1000,1001,1002]}");
            assertThat(c.next(3000)).isNotNull();

            String one = SERVER_TCP.get("push to mid, one message");
            comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key).setProtoOp(1000)
                    .setProto(raw(one)).build()).get();
            if (mode == Mode.TCP) {
                assertThat(hex(c.next(3000))).isEqualTo(one);
            } else {
                byte[] msg = c.next(3000);
                assertThat(TestClient.op(msg)).isEqualTo(9);
                assertThat(hex(msg).substring(32)).isEqualTo(one);
            }

            String batch = SERVER_TCP.get("room push, three messages batched");
            comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room).setProto(raw(batch))
                    .build()).get();
            if (mode == Mode.TCP) {
                assertThat(hex(c.nextBytes(batch.length() / 2, 3000))).isEqualTo(batch);
            } else {
                assertThat(hex(c.next(3000))).isEqualTo(SERVER_WS.get("room push, three messages batched"));
            }
        }
        await().until(() -> comet.sessionCount() == 0);
    }

    private static Proto raw(String hex) {
        return Proto.newBuilder().setVer(1).setOp(9)
                .setBody(ByteString.copyFrom(ByteBufUtil.decodeHexDump(hex))).build();
    }

    private static String hex(byte[] b) {
        assertThat(b).as("a frame within the timeout").isNotNull();
        return ByteBufUtil.hexDump(b);
    }
}
