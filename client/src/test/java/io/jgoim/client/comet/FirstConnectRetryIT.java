package io.jgoim.client.comet;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientBuilder;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A client's FIRST connect against a real comet that refuses it: a retryable refusal (the address's connect rate,
 * 4016 with {@code retry-after=1}; a ban, 4018 with {@code retry-after=4}) is waited out and retried, as a reconnect
 * is, and connect() completes when the session authenticates; a refused token fails connect() at once after one
 * attempt; close() during the wait fails connect() and no attempt follows. Attempts are counted where they land: the
 * comet's refusal meter ({@code jgoim_comet_limit_refusals_total}) and logic's Connect calls (refused connects never
 * reach logic). The client's backoff (50-200 ms) would make a dozen attempts a second without the retry-after.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class FirstConnectRetryIT {
    private static final String ALIAS = "127.0.0.11";

    private final LogicTwin logic = LogicTwin.create();
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
    private final List<JgoimClient> clients = new ArrayList<>();
    private CometServer comet;

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        if (comet != null) {
            comet.close();
        }
        logic.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void startComet(Map<String, String> limits) {
        Map<String, String> env = new HashMap<>(limits);
        env.put("JGOIM_WEB_SOCKET_REFUSAL", "close-frame");
        for (String l : new String[] {"TCP", "WEB_SOCKET", "RPC", "ADMIN"}) {
            env.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            env.put("JGOIM_" + l + "_PORT", "0");
        }
        env.put("JGOIM_WSS_ENABLED", "false");
        env.put("JGOIM_RPC_ENABLED", "false");
        env.put("JGOIM_ADMIN_ENABLED", "false");
        env.put("JGOIM_NODE_ID", "first");
        env.put("JGOIM_NODE_HOST", "127.0.0.1");
        env.put("JGOIM_TRANSPORT_WORKER_THREADS", "1");
        comet = new CometServer(CometConfig.load(null, env), logic, new InMemoryNodeRegistry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    private JgoimClientBuilder client(Transport t, Attempts attempts) throws Exception {
        int port = t.isWebSocket() ? comet.wsAddress().getPort() : comet.tcpAddress().getPort();
        return JgoimClient.builder().addresses("127.0.0.1:" + port).transport(t)
                .localAddress(InetAddress.getByName(ALIAS)).goimToken(7, "", "live://first", "web", 1000)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).group(group).listener(attempts);
    }

    private JgoimClient track(JgoimClient c) {
        clients.add(c);
        return c;
    }

    private double refusals(Refusal r) {
        return comet.limits().meters().refusals(r);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldWaitOutTheRateLimitsRetryAfterAndConnectOnceTheLimitFrees(Transport t) throws Exception {
        startComet(Map.of("JGOIM_LIMITS_CONNECT_RATE_PER_IP", "1", "JGOIM_LIMITS_CONNECT_BURST_PER_IP", "1",
                "JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "0"));
        // The address spends its connects (bare sockets, closed at once) until the comet refuses one.
        InetSocketAddress tcp = comet.tcpAddress();
        for (int i = 0; i < 10 && refusals(Refusal.IP_CONNECT_RATE) == 0; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(ALIAS, 0));
                s.connect(tcp, 2000);
            }
            Thread.sleep(20);
        }
        assertThat(refusals(Refusal.IP_CONNECT_RATE)).isEqualTo(1);
        Attempts attempts = new Attempts();
        JgoimClient c = track(client(t, attempts).build());
        long start = System.nanoTime();

        c.connect().get(15, TimeUnit.SECONDS);

        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(attempts.closes).isNotEmpty().allSatisfy(s -> {
            assertThat(s.code()).isEqualTo(CloseCode.CONNECT_RATE_LIMITED.code());
            assertThat(CloseReasons.retryAfterSeconds(s.reason())).isEqualTo(1);
        });
        assertThat(attempts.willRetry).containsOnly(true);
        assertThat(attempts.delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(1),
                Duration.ofSeconds(2)));
        assertThat(waitedMs).as("connect() waited at least the refusal's retry-after").isGreaterThanOrEqualTo(1000);
        // every refused attempt the client heard of was one the comet counted, and only the last reached logic
        assertThat(refusals(Refusal.IP_CONNECT_RATE) - 1).isEqualTo(attempts.closes.size());
        assertThat(attempts.closes.size()).as("no attempt before a retry-after was over").isLessThanOrEqualTo(
                (int) (waitedMs / 1000));
        assertThat(logic.connects()).hasSize(1);
        assertThat(attempts.connected).hasSize(1);
        assertThat(c.reconnects()).isZero();
        System.out.printf("first connect (%s): %d refusal(s) with retry-after=1, connected after %d ms%n", t,
                attempts.closes.size(), waitedMs);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldFailAtOnceAfterOneAttemptWhenTheTokenIsRefused(Transport t) throws Exception {
        startComet(Map.of());
        Attempts attempts = new Attempts();
        JgoimClient c = track(client(t, attempts).token("not a goim token").build());
        long start = System.nanoTime();

        assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.closeStatus().code()).isEqualTo(CloseCode.AUTH_FAILED.code());
                });

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        Thread.sleep(500); // three backoffs' worth: nothing else comes
        assertThat(logic.connects()).hasSize(1);
        assertThat(attempts.closes).hasSize(1);
        assertThat(attempts.willRetry).containsExactly(false);
    }

    /**
     * A goim (ver 1) TCP client is refused a token by a bare close after its auth frame (it cannot read a code): that
     * close is not retried, or a bad token would keep knocking until its address is banned.
     */
    @Test
    void shouldFailAGoimTcpClientAtOnceWhenItsTokenIsRefusedWithABareClose() throws Exception {
        startComet(Map.of());
        Attempts attempts = new Attempts();
        JgoimClient c = track(client(Transport.TCP, attempts).extended(false).token("not a goim token").build());

        assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.closeStatus().code()).isEqualTo(CloseStatus.ABNORMAL_CODE));

        Thread.sleep(500);
        assertThat(logic.connects()).hasSize(1);
        assertThat(attempts.willRetry).containsExactly(false);
    }

    @Test
    void shouldEndTheRetriesAndFailConnectWhenClosedDuringTheBanWait() throws Exception {
        startComet(Map.of("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "3", "JGOIM_LIMITS_BAN_TIME", "4s"));
        // connect/close flaps from the address get it banned for 4 s
        InetSocketAddress tcp = comet.tcpAddress();
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
        Attempts attempts = new Attempts();
        JgoimClient c = track(client(Transport.TCP, attempts).build());

        CompletableFuture<Void> connect = c.connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> c.state() == ClientState.RECONNECTING);
        assertThat(attempts.closes).singleElement().satisfies(s -> {
            assertThat(s.code()).isEqualTo(CloseCode.BANNED.code());
            assertThat(CloseReasons.retryAfterSeconds(s.reason())).isEqualTo(4);
        });
        assertThat(attempts.delays).singleElement().satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(
                Duration.ofSeconds(4)));
        assertThat(connect).isNotDone();
        assertThat(refusals(Refusal.IP_BANNED)).isEqualTo(1);

        c.close();

        assertThatThrownBy(() -> connect.get(2, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        Thread.sleep(5_000); // past the ban and the wait the client had scheduled
        assertThat(refusals(Refusal.IP_BANNED)).as("no attempt after close()").isEqualTo(1);
        assertThat(logic.connects()).isEmpty();
        assertThat(attempts.closes).hasSize(1);
    }

    /** Each failed attempt the listener heard, whether another was scheduled, and the wait before it. */
    private static final class Attempts implements ClientListener {
        final List<CloseStatus> closes = new CopyOnWriteArrayList<>();
        final List<Boolean> willRetry = new CopyOnWriteArrayList<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        final List<String> connected = new CopyOnWriteArrayList<>();

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
            closes.add(status);
            willRetry.add(willReconnect);
            if (willReconnect) {
                delays.add(client.retryDelay());
            }
        }

        @Override
        public void onConnected(JgoimClient client, String node) {
            connected.add(node);
        }
    }
}
