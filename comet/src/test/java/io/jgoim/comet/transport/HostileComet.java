package io.jgoim.comet.transport;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real comet on 127.0.0.1 (every listener on port 0) over a {@link LogicTwin}, with one authenticated TCP bystander
 * in its own room, for the hostile-input tests: each case ends one connection and then proves that the bystander
 * still receives pushes and answers heartbeats, and reads the comet's close counters. One per test class.
 */
final class HostileComet implements AutoCloseable {
    static final String BYSTANDER_ROOM = "live://bystander";
    /** The op of the pushes made here (one the test tokens accept). */
    static final int PUSH_OP = 1000;

    private final LogicTwin logic = LogicTwin.create().heartbeatSeconds(0);
    private final CometServer comet;
    private final TestClient bystander;
    private final AtomicInteger keys = new AtomicInteger();
    private final AtomicInteger pushes = new AtomicInteger();

    HostileComet() throws Exception {
        this(Map.of());
    }

    /** @param overrides config overrides in env form (e.g. JGOIM_WEB_SOCKET_ALLOWED_ORIGINS) */
    HostileComet(Map<String, String> overrides) throws Exception {
        Map<String, String> env = new HashMap<>(overrides);
        env.putIfAbsent("JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT", "5s");
        comet = new CometServer(TestConfigs.ephemeral(env), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        bystander = TestClient.connect(Mode.TCP, comet);
        bystander.auth(PacketLayout.VERSION, token("bystander", BYSTANDER_ROOM));
        byte[] reply = bystander.next(3000);
        assertThat(reply).as("the bystander's auth reply").isNotNull();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
    }

    CometServer comet() {
        return comet;
    }

    /** The logic twin behind the comet (its history store, for pushes made as job makes them). */
    LogicTwin logic() {
        return logic;
    }

    /** goim's JSON token for member 7 with {@code key} in {@code room}. */
    static String token(String key, String room) {
        return "{\"mid\":7,\"key\":\"" + key + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"web\",\"accepts\":[1000,1001]}";
    }

    /** A push as job sends it: one plain frame of {@link #PUSH_OP} carrying {@code body}, inside op 9. */
    static Proto push(String body) {
        byte[] frame = TestClient.frame(PacketLayout.VERSION, PUSH_OP, 0, body.getBytes(StandardCharsets.UTF_8));
        return Proto.newBuilder().setVer(PacketLayout.VERSION).setOp(Op.RAW).setBody(ByteString.copyFrom(frame))
                .build();
    }

    /** A key no other session of this comet used. */
    String newKey() {
        return "hostile-" + keys.incrementAndGet();
    }

    /** How many sessions the comet closed with {@code code} (its {@code jgoim_comet_closes} counter). */
    double closes(CloseCode code) {
        return comet.metrics().closes(code);
    }

    /** Waits until the comet counted {@code expected} closes with {@code code}. */
    void awaitCloses(CloseCode code, double expected) {
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(closes(code)).isEqualTo(expected));
    }

    /** The bystander receives a room push and answers a heartbeat: nothing but the hostile connection was hurt. */
    void assertBystanderServed() throws Exception {
        String body = broadcast(BYSTANDER_ROOM);
        byte[] push = bystander.next(3000);
        assertThat(push).as("the bystander's push").isNotNull();
        assertThat(TestClient.op(push)).isEqualTo(PUSH_OP);
        assertThat(TestClient.body(push)).isEqualTo(body);
        int seq = 1000 + pushes.get();
        bystander.send(PacketLayout.VERSION, Op.HEARTBEAT, seq, new byte[0]);
        byte[] hb = bystander.next(3000);
        assertThat(hb).as("the bystander's heartbeat reply").isNotNull();
        assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(TestClient.seq(hb)).isEqualTo(seq);
        assertThat(comet.index().session("bystander")).isNotNull();
    }

    /**
     * Broadcasts a push of op {@value #PUSH_OP} to {@code room}, as job sends one, and waits until the comet took it;
     * returns its body, a JSON number unique to the push.
     */
    String broadcast(String room) {
        String body = "{\"n\":" + pushes.incrementAndGet() + "}";
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                .setProto(push(body)).build()).orTimeout(5, TimeUnit.SECONDS).join();
        return body;
    }

    @Override
    public void close() {
        bystander.close();
        comet.close();
        logic.close();
    }
}
