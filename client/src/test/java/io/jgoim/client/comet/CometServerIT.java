package io.jgoim.client.comet;

import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Reply;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The SDK against a real comet (TCP, WebSocket, and both over TLS) with logic's twin. */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class CometServerIT {
    private static EventLoopGroup group;
    private static SslContext trustAll;
    private static LogicTwin logic;
    private static RealComet comet;

    private final List<JgoimClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        group = ClientTransports.newEventLoopGroup(2);
        trustAll = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        comet = RealComet.start();
        logic = comet.logic();
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

    private JgoimClient client(RealComet c, Transport t, String key, String room, Pushes pushes) {
        JgoimClient client = JgoimClient.builder().host("127.0.0.1").port(c.port(t)).transport(t)
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

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldAuthenticateHeartbeatAndReceiveRoomBatchesInOrder(Transport t) throws Exception {
        String room = "live://it-" + t;
        Pushes pushes = new Pushes();
        JgoimClient c = client(comet, t, "", room, pushes);
        c.connect().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> c.heartbeatReplies() >= 2);

        comet.pushRoom(room, 1000, "a", "b", "c");
        comet.pushRoom(room, 1001, "d");

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
        comet.pushRoom("live://a-" + t, 1000, "old room");
        comet.pushRoom("live://b-" + t, 1000, "new room");
        c.watch(2000).get(5, TimeUnit.SECONDS);
        comet.pushKeys(List.of(key), 2000, "to key");

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
        await().atMost(Duration.ofSeconds(5)).until(() -> logic.received().stream()
                .anyMatch(m -> m.getProto().getBody().toStringUtf8().equals("hello " + t)));
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
        // logic refuses a token it cannot read
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(comet.port(t)).transport(t)
                .token("not a goim token").group(group).build();
        clients.add(c);

        assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.closeStatus().code()).isEqualTo(CloseCode.AUTH_FAILED.code()));
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
    }

    @Test
    void shouldKeepTheHeartbeatIntervalTheCometAdvisesToExtendedClients() throws Exception {
        Pushes pushes = new Pushes();
        JgoimClient extended = JgoimClient.builder().host("127.0.0.1").port(comet.port(Transport.TCP))
                .goimToken(8, "hb-ext", "live://hb", "web", 1000).extended(true)
                .group(group).listener(pushes).build();
        JgoimClient goim = JgoimClient.builder().host("127.0.0.1").port(comet.port(Transport.TCP))
                .goimToken(9, "hb-goim", "live://hb", "web", 1000).extended(false)
                .group(group).listener(pushes).build();
        clients.add(extended);
        clients.add(goim);
        extended.connect().get(10, TimeUnit.SECONDS);
        goim.connect().get(10, TimeUnit.SECONDS);
        // The twin's Connect names no interval (heartbeatSeconds(0)), so the comet advises its
        // protocol.heartbeatInterval.
        assertThat(extended.heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(comet.server().config().protocol().heartbeatInterval().toSeconds()));
        // A goim client is told nothing (bare auth reply) and keeps its own 30 s.
        assertThat(goim.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldReconnectAndReauthenticateToTheCometThatReplacesAClosedOne() throws Exception {
        LogicTwin ownLogic = LogicTwin.create().heartbeatSeconds(0);
        RealComet first = RealComet.start(ownLogic, 0);
        int port = first.port(Transport.TCP);
        Pushes pushes = new Pushes();
        JgoimClient c = client(first, Transport.TCP, "survivor", "live://r", pushes);
        c.connect().get(10, TimeUnit.SECONDS);

        first.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !pushes.closes.isEmpty());
        assertThat(pushes.closes.get(0).code()).isEqualTo(CloseCode.SHUTDOWN.code());
        assertThat(c.state()).isNotEqualTo(ClientState.CLOSED);
        RealComet second = RealComet.start(ownLogic, port);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.state() == ClientState.CONNECTED);
            assertThat(c.reconnects()).isEqualTo(1);
            assertThat(ownLogic.serverOf("survivor")).isNotNull();
            second.pushKeys(List.of("survivor"), 1000, "welcome back");
            await().atMost(Duration.ofSeconds(5)).until(() -> pushes.bodies.contains("1000:welcome back"));
        } finally {
            c.close();
            second.close();
            ownLogic.close();
        }
    }
}
