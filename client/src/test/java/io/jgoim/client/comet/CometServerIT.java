package io.jgoim.client.comet;

import com.google.protobuf.ByteString;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Reply;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The SDK against a real comet (TCP, WebSocket, and both over TLS) with an in-memory logic twin. */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class CometServerIT {
    private static EventLoopGroup group;
    private static SslContext trustAll;
    private static InMemoryLogicService logic;
    private static CometServer comet;

    private final List<JgoimClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        group = ClientTransports.newEventLoopGroup(2);
        trustAll = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        logic = new InMemoryLogicService();
        comet = newComet(logic);
    }

    static CometServer newComet(InMemoryLogicService logic) {
        return newComet(logic, 0);
    }

    static CometServer newComet(InMemoryLogicService logic, int tcpPort) {
        Map<String, String> env = new HashMap<>();
        for (String l : new String[] {"TCP", "WEB_SOCKET", "WSS", "RPC", "ADMIN"}) {
            env.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            env.put("JGOIM_" + l + "_PORT", "0");
        }
        env.put("JGOIM_TCP_PORT", Integer.toString(tcpPort));
        env.put("JGOIM_TCP_TLS_ENABLED", "true");
        env.put("JGOIM_TCP_TLS_PORT", "0");
        env.put("JGOIM_RPC_ENABLED", "false");
        env.put("JGOIM_ADMIN_ENABLED", "false");
        env.put("JGOIM_REGISTRY_ENABLED", "false");
        env.put("JGOIM_TRANSPORT_WORKER_THREADS", "2");
        env.put("JGOIM_SHUTDOWN_DRAIN_TIME", "1s");
        CometServer c = new CometServer(CometConfig.load(null, env), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        c.start();
        return c;
    }

    @AfterAll
    static void stop() {
        comet.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(JgoimClient::close);
    }

    private static int port(CometServer c, Transport t) {
        return switch (t) {
            case TCP -> c.tcpAddress().getPort();
            case TCP_TLS -> c.tcpTlsAddress().getPort();
            case WEBSOCKET -> c.wsAddress().getPort();
            case WEBSOCKET_TLS -> c.wssAddress().getPort();
        };
    }

    private JgoimClient client(CometServer c, Transport t, String key, String room, Pushes pushes) {
        JgoimClient client = JgoimClient.builder().host("127.0.0.1").port(port(c, t)).transport(t)
                .sslContext(t.isTls() ? trustAll : null)
                .goimToken(7, key, room, "web", 1000, 1001)
                .heartbeatInterval(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .group(group).listener(pushes).build();
        clients.add(client);
        return client;
    }

    /** Collects pushes and closes. */
    static final class Pushes implements io.jgoim.client.ClientListener {
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
            bodies.add(op + ":" + body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
            closes.add(status);
        }
    }

    /** goim frames back to back, as job hands them to a comet (the body of an op-9 push). */
    private static Proto raw(int op, String... bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String b : bodies) {
            byte[] body = b.getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = ByteBuffer.allocate(PacketLayout.HEADER_LENGTH);
            h.putInt(PacketLayout.HEADER_LENGTH + body.length).putShort((short) PacketLayout.HEADER_LENGTH)
                    .putShort(PacketLayout.VERSION).putInt(op).putInt(0);
            out.writeBytes(h.array());
            out.writeBytes(body);
        }
        return Proto.newBuilder().setVer(PacketLayout.VERSION).setOp(Op.RAW)
                .setBody(ByteString.copyFrom(out.toByteArray())).build();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldAuthenticateHeartbeatAndReceiveRoomBatchesInOrder(Transport t) throws Exception {
        String room = "live://it-" + t;
        Pushes pushes = new Pushes();
        JgoimClient c = client(comet, t, "", room, pushes);
        c.connect().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.heartbeatReplies() >= 2);

        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                .setProto(raw(1000, "a", "b", "c")).build()).get(5, TimeUnit.SECONDS);
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                .setProto(raw(1001, "d")).build()).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> pushes.bodies.size() == 4);
        assertThat(pushes.bodies).containsExactly("1000:a", "1000:b", "1000:c", "1001:d");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldChangeRoomWatchOpsAndGetKeyPushes(Transport t) throws Exception {
        String key = "key-" + t;
        Pushes pushes = new Pushes();
        JgoimClient c = client(comet, t, key, "live://a-" + t, pushes);
        c.connect().get(10, TimeUnit.SECONDS);

        assertThat(c.changeRoom("live://b-" + t).get(5, TimeUnit.SECONDS)).isEqualTo("live://b-" + t);
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId("live://a-" + t)
                .setProto(raw(1000, "old room")).build()).get(5, TimeUnit.SECONDS);
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId("live://b-" + t)
                .setProto(raw(1000, "new room")).build()).get(5, TimeUnit.SECONDS);
        c.watch(2000).get(5, TimeUnit.SECONDS);
        comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(key).setProtoOp(2000)
                .setProto(raw(2000, "to key")).build()).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> pushes.bodies.size() == 2);
        assertThat(pushes.bodies).containsExactly("1000:new room", "2000:to key");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldGetTheReplyToAnUpstreamMessage(Transport t) throws Exception {
        JgoimClient c = client(comet, t, "", "live://up", new Pushes());
        c.connect().get(10, TimeUnit.SECONDS);

        Reply r = c.sendUpstream(Op.SEND_MSG, ("hello " + t).getBytes(StandardCharsets.UTF_8))
                .get(5, TimeUnit.SECONDS);

        assertThat(r.op()).isIn(Op.SEND_MSG, Op.SEND_MSG_REPLY);
        await().atMost(Duration.ofSeconds(5)).until(() -> logic.upstream.contains("hello " + t));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldFailARefusedRequestWithTheCometsErrorCodeAndStayConnected(Transport t) throws Exception {
        JgoimClient c = client(comet, t, "", "live://err", new Pushes());
        c.connect().get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> c.changeRoom("bad\u0001room").get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(io.jgoim.protocol.ErrorCode.BAD_ROOM));
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(c.changeRoom("live://fine").get(5, TimeUnit.SECONDS)).isEqualTo("live://fine");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldSurfaceTheAuthFailedCloseCode(Transport t) {
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port(comet, t)).transport(t)
                .goimToken(-1, "", "live://x", "web").group(group).build();
        clients.add(c);

        assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.closeStatus().code()).isEqualTo(CloseCode.AUTH_FAILED.code()));
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
    }

    @Test
    void shouldKeepTheHeartbeatIntervalTheCometAdvisesToExtendedClients() throws Exception {
        Pushes pushes = new Pushes();
        JgoimClient extended = JgoimClient.builder().host("127.0.0.1").port(port(comet, Transport.TCP))
                .goimToken(8, "hb-ext", "live://hb", "web", 1000).extended(true)
                .group(group).listener(pushes).build();
        JgoimClient goim = JgoimClient.builder().host("127.0.0.1").port(port(comet, Transport.TCP))
                .goimToken(9, "hb-goim", "live://hb", "web", 1000).extended(false)
                .group(group).listener(pushes).build();
        clients.add(extended);
        clients.add(goim);
        extended.connect().get(10, TimeUnit.SECONDS);
        goim.connect().get(10, TimeUnit.SECONDS);
        // The twin's Connect names no interval, so the comet advises its protocol.heartbeatInterval.
        assertThat(extended.heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(comet.config().protocol().heartbeatInterval().toSeconds()));
        // A goim client is told nothing (bare auth reply) and keeps its own 30 s.
        assertThat(goim.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldReconnectAndReauthenticateToTheCometThatReplacesAClosedOne() throws Exception {
        InMemoryLogicService ownLogic = new InMemoryLogicService();
        CometServer first = newComet(ownLogic);
        int port = first.tcpAddress().getPort();
        Pushes pushes = new Pushes();
        JgoimClient c = client(first, Transport.TCP, "survivor", "live://r", pushes);
        c.connect().get(10, TimeUnit.SECONDS);

        first.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !pushes.closes.isEmpty());
        assertThat(pushes.closes.get(0).code()).isEqualTo(CloseCode.SHUTDOWN.code());
        assertThat(c.state()).isNotEqualTo(ClientState.CLOSED);
        CometServer second = newComet(ownLogic, port);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.state() == ClientState.CONNECTED);
            assertThat(c.reconnects()).isEqualTo(1);
            assertThat(ownLogic.sessions).containsKey("survivor");
            second.pushService().pushMsg(PushMsgReq.newBuilder().addKeys("survivor").setProtoOp(1000)
                    .setProto(raw(1000, "welcome back")).build()).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> pushes.bodies.contains("1000:welcome back"));
        } finally {
            c.close();
            second.close();
        }
    }
}
