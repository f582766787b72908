package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first connect whose attempt is closed with TOKEN_EXPIRED (4014) before its auth reply, against a scripted server
 * on real sockets (a real comet refuses an expired token at auth with AUTH_FAILED, terminal; another server, or a
 * token that expires between auth and reply, closes with 4014): with a token refresher the retry authenticates with
 * the refresher's token, as a reconnect after 4014 does; without one it retries the token it holds.
 */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class FirstConnectTokenIT {
    /** One auth frame the server received. */
    record Auth(Channel channel, int seq, String token) {
    }

    private EventLoopGroup group;
    private Channel listener;
    private final BlockingQueue<Auth> auths = new LinkedBlockingQueue<>();
    private final List<JgoimClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        group = ClientTransports.newEventLoopGroup(2);
    }

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldAuthenticateTheFirstConnectsRetryWithTheRefreshersTokenAfterTokenExpired(Transport transport)
            throws Exception {
        AtomicInteger asked = new AtomicInteger();
        RecordingListener l = new RecordingListener();
        JgoimClient c = client(transport, l, () -> CompletableFuture.completedFuture(
                ("t" + (2 + asked.getAndIncrement())).getBytes(StandardCharsets.UTF_8)));
        CompletableFuture<Void> connected = c.connect();

        Auth first = next();
        assertThat(first.token()).isEqualTo("t1");
        goodbye(first.channel(), transport, CloseCode.TOKEN_EXPIRED.code());
        Auth second = next();
        reply(second);
        connected.get(5, TimeUnit.SECONDS);

        assertThat(second.token()).as("the refresher's token, not the expired one").isEqualTo("t2");
        assertThat(asked).hasValue(1);
        assertThat(l.closes).extracting(cl -> cl.status().code(), RecordingListener.Close::willReconnect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CloseCode.TOKEN_EXPIRED.code(), true));
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(c.reconnects()).as("still the first connect").isZero();
    }

    @Test
    void shouldRetryTheSameTokenAfterTokenExpiredWithoutARefresher() throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = client(Transport.TCP, l, null);
        CompletableFuture<Void> connected = c.connect();

        Auth first = next();
        goodbye(first.channel(), Transport.TCP, CloseCode.TOKEN_EXPIRED.code());
        Auth second = next();
        reply(second);
        connected.get(5, TimeUnit.SECONDS);

        assertThat(List.of(first.token(), second.token())).containsExactly("t1", "t1");
        assertThat(l.closes).hasSize(1);
    }

    @Test
    void shouldRetryWithTheTokenInHandWhenTheRefresherFails() throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = client(Transport.TCP, l,
                () -> CompletableFuture.failedFuture(new IllegalStateException("identity provider down")));
        CompletableFuture<Void> connected = c.connect();

        goodbye(next().channel(), Transport.TCP, CloseCode.TOKEN_EXPIRED.code());
        Auth second = next();
        reply(second);
        connected.get(5, TimeUnit.SECONDS);

        assertThat(second.token()).isEqualTo("t1");
    }

    private JgoimClient client(Transport transport, ClientListener l, TokenRefresher refresher) {
        int port = bind(transport);
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).transport(transport).token("t1")
                .tokenRefresher(refresher).heartbeatInterval(Duration.ofHours(1))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100)).group(group).listener(l).build();
        clients.add(c);
        return c;
    }

    private Auth next() throws InterruptedException {
        Auth a = auths.poll(10, TimeUnit.SECONDS);
        assertThat(a).as("an auth frame").isNotNull();
        return a;
    }

    private static void reply(Auth auth) {
        auth.channel().writeAndFlush(Proto.newInstance(PacketLayout.VERSION_EXTENDED, Op.AUTH_REPLY, auth.seq(),
                Unpooled.copiedBuffer("{\"key\":\"k-1\",\"heartbeat\":240}", StandardCharsets.UTF_8)));
    }

    /** The server's goodbye before any auth reply: op 18 then close over TCP, the close frame over WebSocket. */
    private static void goodbye(Channel ch, Transport transport, int code) {
        ScriptedServer.goodbye(ch, transport, PacketLayout.VERSION_EXTENDED, code, "token expired");
    }

    private int bind(Transport transport) {
        listener = ScriptedServer.bind(group, transport,
                (ch, p) -> auths.add(new Auth(ch, p.seq(), p.body().toString(StandardCharsets.UTF_8))));
        return ScriptedServer.port(listener);
    }
}
