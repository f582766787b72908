package io.jgoim.client.comet;

import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jgoim.client.comet.RegisteredComets.tcp;
import static io.jgoim.client.comet.RegisteredComets.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A runtime drain with real parts: two comets sharing one in-memory node registry and one logic twin, SDK clients on
 * comet A; {@code A.drain(2s)} moves every extended client to B (by its address list or by the goodbye's hints)
 * within the drain time plus backoff, A refuses new sessions with SHUTDOWN meanwhile and is offline in the registry,
 * and a goim client gets exactly the goodbye it got before hints existed.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class DrainFailoverIT {
    private static final Duration DRAIN = Duration.ofSeconds(2);
    /** The drain time, the longest backoff and some slack for a loaded machine. */
    private static final Duration MOVE_WITHIN = DRAIN.plusMillis(500).plusSeconds(3);
    private static EventLoopGroup group;

    private final List<JgoimClient> clients = new ArrayList<>();
    private LogicTwin logic;
    private RegisteredComets comets;
    private CometServer a;
    private CometServer b;

    @BeforeAll
    static void startGroup() {
        group = ClientTransports.newEventLoopGroup(2);
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startComets() {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comets = new RegisteredComets(logic);
        a = comets.start("a");
        b = comets.start("b");
    }

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        comets.close();
        logic.close();
    }

    private JgoimClient client(Transport t, long mid, Closes closes, String... addresses) {
        JgoimClient c = JgoimClient.builder().addresses(addresses).transport(t)
                .goimToken(mid, "", "live://drain", "web", 1000)
                .heartbeatInterval(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .group(group).listener(closes).build();
        clients.add(c);
        return c;
    }

    private List<Closes> connect(Transport t, int n, long firstMid, String... addresses) {
        List<Closes> out = new ArrayList<>();
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Closes closes = new Closes();
            out.add(closes);
            connects.add(client(t, firstMid + i, closes, addresses).connect());
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
        return out;
    }

    private void assertMovedTo(String node, List<Closes> closes, long firstMid) {
        await().atMost(MOVE_WITHIN).untilAsserted(() -> {
            for (JgoimClient c : clients.subList(0, closes.size())) {
                assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
                assertThat(c.node()).isEqualTo(node);
            }
        });
        assertThat(a.sessionCount()).isZero();
        for (int i = 0; i < closes.size(); i++) {
            Closes c = closes.get(i);
            assertThat(c.willReconnect).as("never closed for good").doesNotContain(false);
            assertThat(c.all).isNotEmpty();
            assertThat(c.all.get(0).code()).isEqualTo(CloseCode.SHUTDOWN.code());
            assertThat(c.all.get(0).nodes()).as("the goodbye names B").containsExactly(node);
            Map<String, String> routes = logic.routesOf(firstMid + i);
            assertThat(routes).as("one key, kept across the move, now on B").hasSize(1).containsValue("b");
        }
    }

    @Test
    void shouldMoveClientsGivenBothAddressesToBAndRefuseNewSessionsMeanwhile() {
        List<Closes> closes = connect(Transport.TCP, 20, 100, tcp(a), tcp(b));
        assertThat(a.sessionCount()).isEqualTo(20);
        Map<Long, String> keysBefore = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            keysBefore.put(100L + i, logic.routesOf(100 + i).keySet().iterator().next());
        }
        long t0 = System.nanoTime();
        CompletableFuture<Integer> drained = a.drain(DRAIN);
        assertThat(a.drain(Duration.ofSeconds(30))).as("idempotent").isSameAs(drained);
        assertThat(a.isDraining()).isTrue();
        assertThat(comets.entry("a").offline()).as("offered to nobody").isTrue();
        assertThat(comets.entry("b").offline()).isFalse();

        Closes late = new Closes();
        JgoimClient newcomer = client(Transport.TCP, 999, late, tcp(a));
        newcomer.connect().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(late.all.get(0).code()).as("A refuses new sessions").isEqualTo(CloseCode.SHUTDOWN.code());
        assertThat(newcomer.node()).as("and hints B").isEqualTo(tcp(b));

        assertThat(drained.orTimeout(5, TimeUnit.SECONDS).join()).isZero();
        assertThat(System.nanoTime() - t0).isLessThan(DRAIN.toNanos() + TimeUnit.MILLISECONDS.toNanos(500));
        assertMovedTo(tcp(b), closes, 100);
        for (int i = 0; i < 20; i++) {
            assertThat(logic.routesOf(100 + i)).containsOnlyKeys(keysBefore.get(100L + i));
        }
        assertThat(b.sessionCount()).isEqualTo(21);
        assertThat(a.isDraining()).isTrue();
    }

    @Test
    void shouldMoveClientsThatKnowOnlyAByTheHints() {
        List<Closes> closes = connect(Transport.TCP, 10, 200, tcp(a));
        a.drain(DRAIN);
        assertMovedTo(tcp(b), closes, 200);
    }

    @Test
    void shouldMoveWebSocketClientsByTheDisconnectMessageBeforeTheCloseFrame() {
        List<Closes> closes = connect(Transport.WEBSOCKET, 6, 300, ws(a));
        a.drain(DRAIN);
        assertMovedTo(ws(b), closes, 300);
        assertThat(closes.get(0).all.get(0).reason()).isEqualTo(CloseCode.SHUTDOWN.reason());
    }

    @Test
    void shouldFindTheCometsInLogicsNodeListAndFollowTheDrain() throws Exception {
        LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_BIND", "127.0.0.1", "JGOIM_HTTP_PORT", "0",
                "JGOIM_GRPC_ENABLED", "false"));
        try (LogicServer nodeList = new LogicServer(config, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new InMemoryPushPublisher(), comets.registry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            nodeList.start();
            String url = "http://127.0.0.1:" + nodeList.httpAddress().getPort() + "/goim/nodes/weighted";
            Closes closes = new Closes();
            // The one configured address is dead: the client finds the comets in logic's list.
            JgoimClient c = JgoimClient.builder().addresses("127.0.0.1:" + deadPort()).nodesUrl(url)
                    .goimToken(600, "", "live://drain", "tcp", 1000)
                    .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                    .group(group).listener(closes).build();
            clients.add(c);
            c.connect().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(c.node()).isIn(tcp(a), tcp(b));
            CometServer first = c.node().equals(tcp(a)) ? a : b;
            String other = first == a ? tcp(b) : tcp(a);
            first.drain(DRAIN);
            await().atMost(MOVE_WITHIN).until(() -> c.state() == ClientState.CONNECTED && other.equals(c.node()));
            assertThat(closes.willReconnect).doesNotContain(false);
            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                    + "?platform=tcp")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.body()).as("logic offers only the comet that is not draining").contains(other)
                    .doesNotContain(tcp(first));
        }
    }

    private static int deadPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldGiveAGoimWebSocketClientTheCloseFrameAlone() {
        Closes closes = new Closes();
        JgoimClient goim = JgoimClient.builder().addresses(ws(a)).transport(Transport.WEBSOCKET).extended(false)
                .goimToken(400, "", "live://drain", "web").reconnect(false)
                .group(group).listener(closes).build();
        clients.add(goim);
        goim.connect().orTimeout(10, TimeUnit.SECONDS).join();
        a.drain(DRAIN);
        await().atMost(MOVE_WITHIN).until(() -> goim.state() == ClientState.CLOSED);
        assertThat(closes.all).containsExactly(new CloseStatus(CloseCode.SHUTDOWN.code(),
                CloseCode.SHUTDOWN.reason()));
    }

    @Test
    void shouldGiveAGoimTcpClientTheCloseWithoutAByte() throws Exception {
        try (Socket s = new Socket("127.0.0.1", a.tcpAddress().getPort())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] token = "{\"mid\":500,\"key\":\"goim\",\"room_id\":\"live://drain\"}"
                    .getBytes(StandardCharsets.UTF_8);
            out.writeInt(16 + token.length);
            out.writeShort(16);
            out.writeShort(1);
            out.writeInt(7);
            out.writeInt(1);
            out.write(token);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[16];
            in.readFully(reply);
            assertThat(reply).as("goim's auth reply: the bare header, ver 1, op 8, seq 1").containsExactly(
                    0, 0, 0, 16, 0, 16, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1);
            a.drain(DRAIN);
            // Heartbeats are the client's to send; none is due within the drain, so the next read is the close.
            int next;
            try {
                next = in.read();
            } catch (EOFException e) {
                next = -1;
            }
            assertThat(next).as("no goodbye byte, only the close").isEqualTo(-1);
        }
    }
}
