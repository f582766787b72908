package io.jgoim.client.comet;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A banned address is not hammered by the Java SDK: a real comet bans the client's loopback alias (connect/close
 * flaps from it), the client's session ends (heartbeat timeout), its reconnect is refused with BANNED (4018) whose
 * reason names the ban time ({@code retry-after=4}), and the client makes no other attempt until the ban is over —
 * counted at the comet ({@code jgoim_comet_limit_refusals_total{limit="ip_banned"}}) — then gets in again. Its backoff
 * (50–200 ms) would have made some twenty attempts during the ban. Over TCP the refusal is a DISCONNECT; over
 * WebSocket it is the upgrade completed and closed with the code ({@code webSocket.refusal: close-frame}, the
 * default), or the refused upgrade (HTTP 429 with Retry-After and X-Jgoim-Close-Code) with {@code http}.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class BanBackoffIT {
    private static final String ALIAS = "127.0.0.9";

    private final LogicTwin logic = LogicTwin.create().heartbeatSeconds(1); // the comet closes a silent session in 2 s
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
    private CometServer comet;
    private JgoimClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (comet != null) {
            comet.close();
        }
        logic.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldWaitOutTheBanTheCometNamesBeforeConnectingAgain() throws Exception {
        waitsOutTheBan(Transport.TCP, "close-frame");
    }

    /**
     * Over WebSocket the comet completes the upgrade and closes it with 4018 and the reason a TCP client gets
     * ({@code retry-after=4}): the SDK reads the close frame as it reads the TCP refusal and waits as over TCP.
     */
    @Test
    void shouldWaitOutTheRetryAfterOfAWebSocketClosedByTheBan() throws Exception {
        waitsOutTheBan(Transport.WEBSOCKET, "close-frame");
    }

    /**
     * With {@code webSocket.refusal: http} the comet refuses the upgrade itself (HTTP 429, {@code Retry-After: 4},
     * {@code X-Jgoim-Close-Code: 4018}): the SDK reads it as the BANNED close it stands for and waits as over TCP.
     */
    @Test
    void shouldWaitOutTheRetryAfterOfARefusedWebSocketUpgrade() throws Exception {
        waitsOutTheBan(Transport.WEBSOCKET, "http");
    }

    private void waitsOutTheBan(Transport transport, String webSocketRefusal) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("JGOIM_WEB_SOCKET_REFUSAL", webSocketRefusal);
        for (String l : new String[] {"TCP", "WEB_SOCKET", "RPC", "ADMIN"}) {
            env.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            env.put("JGOIM_" + l + "_PORT", "0");
        }
        env.put("JGOIM_WSS_ENABLED", "false");
        env.put("JGOIM_RPC_ENABLED", "false");
        env.put("JGOIM_ADMIN_ENABLED", "false");
        env.put("JGOIM_NODE_ID", "ban");
        env.put("JGOIM_NODE_HOST", "127.0.0.1");
        env.put("JGOIM_TRANSPORT_WORKER_THREADS", "1");
        env.put("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "3");
        env.put("JGOIM_LIMITS_BAN_TIME", "4s");
        comet = new CometServer(CometConfig.load(null, env), logic, new InMemoryNodeRegistry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        InetSocketAddress tcp = comet.tcpAddress();
        int port = transport.isWebSocket() ? comet.wsAddress().getPort() : tcp.getPort();

        List<CloseStatus> closes = new CopyOnWriteArrayList<>();
        client = JgoimClient.builder().addresses("127.0.0.1:" + port).transport(transport)
                .localAddress(InetAddress.getByName(ALIAS))
                .goimToken(1, "", "live://ban", "web", 1000)
                .heartbeatInterval(Duration.ofSeconds(30)) // silent: the comet closes it with HEARTBEAT_TIMEOUT
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .group(group).listener(new ClientListener() {
                    @Override
                    public void onClose(JgoimClient c, CloseStatus status, boolean reconnect) {
                        closes.add(status);
                    }
                }).build();
        client.connect().orTimeout(10, TimeUnit.SECONDS).join();

        // The client's address is banned while its session lives.
        for (int i = 0; i < 20 && comet.limits().bans().list().isEmpty(); i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(ALIAS, 0));
                s.connect(tcp, 2000);
            }
            int flaps = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.limits().bans().failures(ALIAS) >= flaps
                    || !comet.limits().bans().list().isEmpty());
        }
        assertThat(comet.limits().bans().list()).hasSize(1);

        // The session times out; the reconnect is refused with 4018 naming the ban time.
        await().atMost(Duration.ofSeconds(10)).until(() -> banned() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> closes.stream()
                .anyMatch(s -> s.code() == CloseCode.BANNED.code()));
        CloseStatus ban = closes.stream().filter(s -> s.code() == CloseCode.BANNED.code()).findFirst().orElseThrow();
        assertThat(CloseReasons.retryAfterSeconds(ban.reason())).isEqualTo(4);
        assertThat(client.state()).isEqualTo(ClientState.RECONNECTING);

        // No other attempt while the ban lasts; the next one, after it, gets in.
        Thread.sleep(2_000);
        assertThat(banned()).as("attempts refused by the ban while it lasts").isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> client.state() == ClientState.CONNECTED);
        assertThat(banned()).isEqualTo(1);
        System.out.printf("ban backoff (%s, %s): 1 attempt refused by a 4 s ban, then connected; closes %s%n", transport,
                webSocketRefusal, closes);
    }

    private double banned() {
        return comet.limits().meters().refusals(Refusal.IP_BANNED);
    }
}
