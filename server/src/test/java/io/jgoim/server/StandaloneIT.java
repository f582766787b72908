package io.jgoim.server;

import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.testkit.TestLimits;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end in standalone mode: real TCP and WebSocket clients (the SDK) against comet + logic + job in one JVM, and
 * pushes of every kind through logic's HTTP API.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneIT {
    private static StandaloneServer server;
    private static EventLoopGroup group;
    private static String api;
    private static final List<JgoimClient> clients = new ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:",
                "  tcp: {port: 0}",
                "  webSocket: {port: 0}",
                "  wss: {port: 0}",
                // The clients here beat every 300 ms; the other limits stay at their defaults.
                "  " + TestLimits.FAST_HEARTBEATS_YAML,
                "logic:",
                "  http: {port: 0}",
                ""));
        server = StandaloneServer.load(cfg, Map.of());
        server.start();
        api = "http://127.0.0.1:" + server.logic().httpAddress().getPort();
        group = ClientTransports.newEventLoopGroup(1);
    }

    @AfterAll
    static void stop() {
        clients.forEach(JgoimClient::close);
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static JgoimClient connect(Transport t, long mid, String key, String room, Pushes pushes) throws Exception {
        int port = t == Transport.TCP ? server.comet().tcpAddress().getPort() : server.comet().wsAddress().getPort();
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).transport(t)
                .goimToken(mid, key, room, "test", 1000, 1001)
                .heartbeatInterval(Duration.ofMillis(300))
                .reconnect(false)
                .group(group).listener(pushes).build();
        c.connect().get(10, TimeUnit.SECONDS);
        clients.add(c);
        return c;
    }

    private static void assertOk(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"code\":0");
    }

    @Test
    void shouldDeliverPushesOfEveryKindOverTcpAndWebSocket() throws Exception {
        Pushes phone = new Pushes();
        Pushes browser = new Pushes();
        Pushes other = new Pushes();
        JgoimClient tcp = connect(Transport.TCP, 501, "phone-501", "live://10", phone);
        connect(Transport.WEBSOCKET, 501, "browser-501", "live://10", browser);
        connect(Transport.TCP, 502, "other-502", "live://20", other);

        // Heartbeats are answered with the room's online count.
        await().atMost(Duration.ofSeconds(10)).until(() -> tcp.onlineCount() >= 1);

        assertOk(Pushes.post(api, "/goim/push/keys?operation=1000&keys=phone-501", "by-key"));
        await().atMost(Duration.ofSeconds(10)).until(() -> phone.received.contains("1000:by-key"));

        assertOk(Pushes.post(api, "/goim/push/mids?operation=1000&mids=501", "by-mid"));
        await().atMost(Duration.ofSeconds(10)).until(() -> phone.received.contains("1000:by-mid")
                && browser.received.contains("1000:by-mid"));

        assertOk(Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=10", "room-10"));
        await().atMost(Duration.ofSeconds(10)).until(() -> phone.received.contains("1000:room-10")
                && browser.received.contains("1000:room-10"));

        assertOk(Pushes.post(api, "/goim/push/all?operation=1001&speed=0", "to-all"));
        await().atMost(Duration.ofSeconds(10)).until(() -> phone.received.contains("1001:to-all")
                && browser.received.contains("1001:to-all") && other.received.contains("1001:to-all"));

        // Nothing crossed over: the other user saw neither the key, mid nor room-10 push.
        assertThat(other.received).containsExactly("1001:to-all");
        assertThat(browser.received).doesNotContain("1000:by-key");
    }

    @Test
    void shouldMoveRoomPushesWithChangeRoom() throws Exception {
        Pushes p = new Pushes();
        JgoimClient c = connect(Transport.WEBSOCKET, 601, "mover-601", "live://30", p);
        assertThat(c.changeRoom("live://31").get(10, TimeUnit.SECONDS)).isEqualTo("live://31");

        assertOk(Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=30", "old-room"));
        assertOk(Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=31", "new-room"));
        await().atMost(Duration.ofSeconds(10)).until(() -> p.received.contains("1000:new-room"));
        assertThat(p.received).doesNotContain("1000:old-room");
    }

    @Test
    void shouldKeepOrderOfRoomPushes() throws Exception {
        Pushes p = new Pushes();
        connect(Transport.TCP, 701, "order-701", "live://40", p);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            assertOk(Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=40", "m" + i));
            expected.add("1000:m" + i);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> p.received.size() >= 100);
        assertThat(p.received).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldAnswerHistoryFromTheStoreJobAppendsRoomPushesTo() throws Exception {
        Pushes p = new Pushes();
        connect(Transport.TCP, 801, "history-801", "live://50", p);
        for (int i = 0; i < 3; i++) {
            assertOk(Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=50", "h" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> p.received.size() >= 3);
        // Job gave the room's batches their positions in the store logic reads History from (one store, shared).
        HistoryReply h = server.logic().service().history(HistoryReq.newBuilder().setStream("live://50").build())
                .get(5, TimeUnit.SECONDS);
        assertThat(h.getOff()).isFalse();
        assertThat(h.getTop()).isEqualTo(3);
        assertThat(h.getFirst()).isEqualTo(1);
        assertThat(h.getEntriesList()).extracting(e -> e.substring(16).toStringUtf8()).containsExactly("h0", "h1",
                "h2");
    }

    @Test
    void shouldServeMetricsAndOnlineOnTheApiPort() {
        HttpResponse<String> metrics = Pushes.get(api, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        HttpResponse<String> bad = Pushes.post(api, "/goim/push/room?operation=abc&type=live&room=1", "x");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"code\":400");
    }

    /**
     * Standalone answers health on the API port for the whole process: ready (no external dependency), live while
     * logic's and the comet's event loops run; a draining comet makes it not ready at once, still live.
     */
    @Test
    void shouldAnswerHealthForTheWholeProcessAndGoNotReadyWhenTheCometDrains(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("own.yaml");
        Files.writeString(cfg, "comet: {tcp: {port: 0}, webSocket: {port: 0}}\nlogic: {http: {port: 0}}\n");
        try (StandaloneServer own = StandaloneServer.load(cfg, Map.of())) {
            own.start();
            String at = "http://127.0.0.1:" + own.logic().httpAddress().getPort();
            HttpResponse<String> ready = Pushes.get(at, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"ready\"").contains("\"comet-draining\":false");
            HttpResponse<String> live = Pushes.get(at, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("\"comet\":\"ok\"").contains("\"api-event-loops\":\"ok\"");
            assertThat(Pushes.get(at, "/metrics").body()).contains("jgoim_ready 1.0");

            own.comet().drain(java.time.Duration.ofSeconds(1));
            HttpResponse<String> draining = Pushes.get(at, "/health");
            assertThat(draining.statusCode()).isEqualTo(503);
            assertThat(draining.body()).contains("\"status\":\"not_ready\"")
                    .contains("\"comet-draining: the comet is draining").contains("\"live\":true");
            assertThat(Pushes.get(at, "/health/live").statusCode()).isEqualTo(200);
            assertThat(Pushes.get(at, "/metrics").body()).contains("jgoim_ready 0.0");
        }
    }
    /** Standalone (admin ports off) serves the cluster admin routes on logic's port, acting on its comet in-process. */
    @Test
    void shouldServeTheClusterAdminRoutesOnTheApiPort() throws Exception {
        Pushes kicked = new Pushes();
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(server.comet().tcpAddress().getPort())
                .goimToken(777, "admin-777", "live://admin", "test", 1000).heartbeatInterval(Duration.ofSeconds(5))
                .group(group).listener(kicked).build();
        c.connect().get(10, TimeUnit.SECONDS);
        clients.add(c);
        String id = server.comet().config().node().id();
        HttpResponse<String> sessions = Pushes.get(api, "/goim/admin/sessions?mid=777");
        assertOk(sessions);
        assertThat(sessions.body()).contains("\"key\":\"admin-777\"").contains("\"server\":\"" + id + "\"")
                .contains("\"room\":\"live://admin\"").contains("\"transport\":\"tcp\"");
        HttpResponse<String> presence = Pushes.get(api, "/goim/admin/presence?type=live&room=admin");
        assertOk(presence);
        assertThat(presence.body()).contains("\"admin-777\"").contains("\"cursor\":null");
        assertThat(Pushes.post(api, "/goim/admin/comet/weight?server=nope&weight=0", "").statusCode()).isEqualTo(404);
        assertOk(Pushes.post(api, "/goim/admin/kick?key=admin-777", ""));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.state() == io.jgoim.client.ClientState.CLOSED);
        await().atMost(Duration.ofSeconds(10)).until(() -> Pushes.get(api, "/goim/admin/sessions?mid=777").body()
                .contains("\"count\":0"));
        assertThat(Pushes.post(api, "/goim/admin/kick?key=admin-777", "").statusCode()).as("gone").isEqualTo(404);
    }
}
