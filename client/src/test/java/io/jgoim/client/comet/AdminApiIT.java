package io.jgoim.client.comet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
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
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.jgoim.client.comet.RegisteredComets.tcp;
import static io.jgoim.client.comet.RegisteredComets.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The comet admin port's routes with real parts: two comets sharing one in-memory node registry and a logic twin,
 * Java SDK clients. Kicked sessions get KICKED (4502) and the SDK stays closed; a member's sessions and a room's
 * members (paged by cursor, no key twice) are listed; weight 0 takes the comet out of logic's weighted node list, so
 * new SDK clients that ask it land on the other comet; the drain route moves the clients to the other comet with
 * SHUTDOWN (4001); missing, wrong and under-scoped keys get 109, 110 and 111, and a comet without keys refuses
 * every admin route while /metrics and /health stay open.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class AdminApiIT {
    private static final String OPS = "o".repeat(40);
    private static final String READER = "r".repeat(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EventLoopGroup group;

    @TempDir
    Path dir;

    private final List<JgoimClient> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
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
    void startComets() throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comets = new RegisteredComets(logic);
        a = comet("a", true);
        b = comet("b", true);
    }

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        comets.close();
        logic.close();
    }

    private CometServer comet(String id, boolean keys) throws Exception {
        return comet(id, keys, Map.of());
    }

    /** A comet of {@link #comets} with its admin port on: keys {@code ops} and {@code reader}, or none. */
    private CometServer comet(String id, boolean keys, Map<String, String> extraEnv) throws Exception {
        Path yaml = dir.resolve(id + "-" + System.nanoTime() + ".yaml");
        Files.writeString(yaml, "admin:\n  apiKeys:"
                + (keys ? "\n" + key("ops", OPS, "admin") + key("reader", READER, "read, push") : " []\n"));
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("JGOIM_ADMIN_ENABLED", "true");
        return comets.start(id, yaml, env);
    }

    private static String key(String id, String key, String scopes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.US_ASCII)));
        return "    - id: \"" + id + "\"\n      sha256: \"" + sha + "\"\n      scopes: [" + scopes + "]\n"
                + "      ratePerSecond: 0\n      burst: 0\n";
    }

    private record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        int code() {
            return json.get("code").asInt();
        }

        JsonNode data() {
            return json.get("data");
        }
    }

    private Reply call(CometServer c, String method, String pathAndQuery, String apiKey) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.adminAddress().getPort()
                + pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody());
        if (apiKey != null) {
            r.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = resp.body().startsWith("{") ? JSON.readTree(resp.body()) : null;
        return new Reply(resp.statusCode(), json, resp);
    }

    private Reply ops(CometServer c, String method, String pathAndQuery) throws Exception {
        return call(c, method, pathAndQuery, OPS);
    }

    private JgoimClient client(Transport t, long mid, String room, Closes closes, String... addresses) {
        JgoimClient c = JgoimClient.builder().addresses(addresses).transport(t)
                .goimToken(mid, "", room, "web", 1000)
                .heartbeatInterval(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .group(group).listener(closes).build();
        clients.add(c);
        return c;
    }

    private static void joinAll(List<CompletableFuture<Void>> connects) {
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    }

    @Test
    void shouldListAndLiftTheBansOfAComet() throws Exception {
        CometServer c = comet("bans", true, Map.of("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "3"));
        try {
            // Connect/close flaps from one loopback alias until the comet bans it.
            java.net.InetSocketAddress tcp = c.tcpAddress();
            for (int i = 0; i < 20 && c.limits().bans().list().isEmpty(); i++) {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.bind(new java.net.InetSocketAddress("127.0.0.7", 0));
                    s.connect(tcp, 2000);
                }
                int flaps = i + 1;
                await().atMost(Duration.ofSeconds(5)).until(() -> c.limits().bans().failures("127.0.0.7") >= flaps
                        || !c.limits().bans().list().isEmpty());
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.limits().bans().list().isEmpty());

            Reply missing = call(c, "GET", "/admin/bans", null);
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.code()).isEqualTo(ErrorCode.API_KEY_MISSING.code());
            assertThat(call(c, "DELETE", "/admin/bans?ip=127.0.0.7", READER).code())
                    .isEqualTo(ErrorCode.FORBIDDEN.code());
            assertThat(c.limits().bans().list()).as("a refused call lifted nothing").hasSize(1);

            Reply listed = ops(c, "GET", "/admin/bans");
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.data().get("count").asInt()).isEqualTo(1);
            JsonNode ban = listed.data().get("bans").get(0);
            assertThat(ban.get("ip").asText()).isEqualTo("127.0.0.7");
            assertThat(ban.get("reason").asText()).isEqualTo("flaps");
            assertThat(java.time.Instant.parse(ban.get("until").asText())).isAfter(java.time.Instant.now());

            for (String bad : new String[] {"/admin/bans", "/admin/bans?ip=not-an-ip", "/admin/bans?ip=example.com"}) {
                Reply r = ops(c, "DELETE", bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.code()).as(bad).isEqualTo(ErrorCode.BAD_PARAMETER.code());
            }
            assertThat(ops(c, "DELETE", "/admin/bans?ip=127.0.0.8").data().get("lifted").asBoolean())
                    .as("an address that was not banned").isFalse();
            Reply lifted = ops(c, "DELETE", "/admin/bans?ip=127.0.0.7");
            assertThat(lifted.status()).isEqualTo(200);
            assertThat(lifted.data().get("lifted").asBoolean()).isTrue();
            assertThat(c.limits().bans().list()).isEmpty();
            assertThat(ops(c, "GET", "/admin/bans").data().get("count").asInt()).isZero();
        } finally {
            c.close();
        }
    }

    @Test
    void shouldRefuseMissingWrongAndUnderScopedKeysAndKeepMetricsAndHealthOpen() throws Exception {
        for (String[] route : new String[][] {{"POST", "/admin/kick?mid=1"}, {"GET", "/admin/sessions?mid=1"},
                {"GET", "/admin/presence?room=live://x"}, {"POST", "/admin/weight?weight=1"},
                {"POST", "/admin/drain"}, {"POST", "/admin/loglevel?logger=io.jgoim&level=INFO"},
                {"GET", "/admin/nope"}}) {
            Reply missing = call(a, route[0], route[1], null);
            assertThat(missing.status()).as(route[1]).isEqualTo(401);
            assertThat(missing.code()).as(route[1]).isEqualTo(ErrorCode.API_KEY_MISSING.code());
            assertThat(missing.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            Reply wrong = call(a, route[0], route[1], "w".repeat(40));
            assertThat(wrong.status()).as(route[1]).isEqualTo(401);
            assertThat(wrong.code()).as(route[1]).isEqualTo(ErrorCode.API_KEY_INVALID.code());
            Reply forbidden = call(a, route[0], route[1], READER);
            assertThat(forbidden.status()).as(route[1]).isEqualTo(403);
            assertThat(forbidden.code()).as(route[1]).isEqualTo(ErrorCode.FORBIDDEN.code());
        }
        assertThat(a.isDraining()).as("no refused request acted").isFalse();
        assertThat(call(a, "GET", "/metrics", null).status()).isEqualTo(200);
        assertThat(call(a, "GET", "/health/live", null).status()).isEqualTo(200);
        assertThat(ops(a, "GET", "/admin/nope").code()).isEqualTo(ErrorCode.NOT_FOUND.code());
        assertThat(ops(a, "GET", "/admin/kick?mid=1").code()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED.code());

        CometServer open = comet("c", false);
        try {
            Reply off = call(open, "POST", "/admin/drain", OPS);
            assertThat(off.status()).isEqualTo(403);
            assertThat(off.code()).isEqualTo(ErrorCode.FORBIDDEN.code());
            assertThat(off.json().get("message").asText()).contains("admin.apiKeys");
            assertThat(open.isDraining()).isFalse();
            assertThat(call(open, "GET", "/metrics", null).status()).isEqualTo(200);
        } finally {
            open.close();
        }
    }

    @Test
    void shouldAnswerBadParametersWithBadParameterAndUnknownTargetsWithNothingClosed() throws Exception {
        for (String[] bad : new String[][] {{"POST", "/admin/kick"}, {"POST", "/admin/kick?mid=1&key=k"},
                {"POST", "/admin/kick?mid=0"}, {"POST", "/admin/kick?mid=abc"}, {"GET", "/admin/sessions"},
                {"GET", "/admin/presence"}, {"GET", "/admin/presence?room=r&limit=0"},
                {"GET", "/admin/presence?room=r&limit=1001"}, {"GET", "/admin/presence?room=r&cursor=zz*"},
                {"POST", "/admin/weight"}, {"POST", "/admin/weight?weight=-1"}, {"POST", "/admin/weight?weight=x"},
                {"POST", "/admin/drain?seconds=0"}}) {
            Reply r = ops(a, bad[0], bad[1]);
            assertThat(r.status()).as(bad[1]).isEqualTo(400);
            assertThat(r.code()).as(bad[1]).isEqualTo(ErrorCode.BAD_PARAMETER.code());
        }
        assertThat(ops(a, "POST", "/admin/kick?key=nobody").data().get("closed").asInt()).isZero();
        assertThat(ops(a, "POST", "/admin/kick?mid=424242").data().get("closed").asInt()).isZero();
        assertThat(ops(a, "GET", "/admin/sessions?mid=424242").data()).isEmpty();
        Reply empty = ops(a, "GET", "/admin/presence?room=live://nobody");
        assertThat(empty.data().get("members")).isEmpty();
        assertThat(empty.data().get("cursor").isNull()).isTrue();
    }

    @Test
    void shouldKickOneKeyAndEveryMemberSessionWithKickedAndTheSdkStaysClosed() throws Exception {
        List<Closes> closes = new ArrayList<>();
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        long[] mids = {7, 7, 7, 8};
        Transport[] transports = {Transport.TCP, Transport.WEBSOCKET, Transport.TCP, Transport.TCP};
        for (int i = 0; i < mids.length; i++) {
            Closes c = new Closes();
            closes.add(c);
            String addr = transports[i] == Transport.TCP ? tcp(a) : ws(a);
            connects.add(client(transports[i], mids[i], "live://k", c, addr).connect());
        }
        joinAll(connects);
        assertThat(a.sessionCount()).isEqualTo(4);

        Reply listed = ops(a, "GET", "/admin/sessions?mid=7");
        assertThat(listed.code()).isZero();
        assertThat(listed.data()).hasSize(3);
        Set<String> keys = new HashSet<>();
        Set<String> transportsSeen = new HashSet<>();
        for (JsonNode s : listed.data()) {
            keys.add(s.get("key").asText());
            transportsSeen.add(s.get("transport").asText());
            assertThat(s.get("mid").asLong()).isEqualTo(7);
            assertThat(s.get("room").asText()).isEqualTo("live://k");
            assertThat(s.get("server").asText()).isEqualTo("a");
        }
        assertThat(keys).isEqualTo(logic.routesOf(7).keySet());
        assertThat(transportsSeen).containsExactlyInAnyOrder("tcp", "ws");

        // One key: the member's first TCP session.
        String one = logic.routesOf(8).keySet().iterator().next();
        assertThat(ops(a, "POST", "/admin/kick?key=" + one).data().get("closed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.get(3).state() == ClientState.CLOSED);
        assertKicked(closes.get(3));

        assertThat(ops(a, "POST", "/admin/kick?mid=7").data().get("closed").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.subList(0, 3).stream()
                .allMatch(c -> c.state() == ClientState.CLOSED));
        for (int i = 0; i < 3; i++) {
            assertKicked(closes.get(i));
        }
        // Terminal: nobody comes back (a reconnect would be within the 100-500 ms backoff).
        Thread.sleep(1500);
        assertThat(a.sessionCount()).isZero();
        assertThat(b.sessionCount()).isZero();
        for (Closes c : closes) {
            assertThat(c.nodes).as("connected once, never again").hasSize(1);
        }
    }

    private static void assertKicked(Closes c) {
        assertThat(c.all).hasSize(1);
        assertThat(c.all.get(0).code()).isEqualTo(CloseCode.KICKED.code());
        assertThat(c.all.get(0).isTerminal()).isTrue();
        assertThat(c.willReconnect).containsExactly(false);
    }

    @Test
    void shouldPagePresenceByCursorWithoutDuplicates() throws Exception {
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            connects.add(client(i % 2 == 0 ? Transport.TCP : Transport.WEBSOCKET, 1000 + i, "live://p", new Closes(),
                    i % 2 == 0 ? tcp(a) : ws(a)).connect());
        }
        for (int i = 0; i < 3; i++) {
            connects.add(client(Transport.TCP, 2000 + i, "live://other", new Closes(), tcp(a)).connect());
        }
        joinAll(connects);
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = ops(a, "GET", "/admin/presence?room=live://p&limit=10"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.code()).isZero();
            assertThat(page.data().get("online").asInt()).isEqualTo(25);
            pageSizes.add(page.data().get("count").asInt());
            for (JsonNode m : page.data().get("members")) {
                seen.add(m.get("key").asText());
                assertThat(m.get("room").asText()).isEqualTo("live://p");
                assertThat(m.get("mid").asLong()).isBetween(1000L, 1024L);
            }
            cursor = page.data().get("cursor").isNull() ? null : page.data().get("cursor").asText();
        } while (cursor != null);
        assertThat(pageSizes).containsExactly(10, 10, 5);
        assertThat(seen).doesNotHaveDuplicates().hasSize(25).isSorted();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            expected.addAll(logic.routesOf(1000 + i).keySet());
        }
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        // A page exactly at the end says so: no cursor after the last member.
        Reply all = ops(a, "GET", "/admin/presence?room=live://p&limit=25");
        assertThat(all.data().get("count").asInt()).isEqualTo(25);
        assertThat(all.data().get("cursor").isNull()).isTrue();
    }

    @Test
    void shouldStopRoutingNewSessionsToACometWhoseWeightIsZero() throws Exception {
        LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_BIND", "127.0.0.1", "JGOIM_HTTP_PORT", "0",
                "JGOIM_GRPC_ENABLED", "false"));
        try (LogicServer nodeList = new LogicServer(config, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new InMemoryPushPublisher(), comets.registry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            nodeList.start();
            String url = "http://127.0.0.1:" + nodeList.httpAddress().getPort() + "/goim/nodes/weighted";
            assertThat(weighted(url)).contains(tcp(a), tcp(b));

            Reply w = ops(a, "POST", "/admin/weight?weight=0");
            assertThat(w.code()).isZero();
            assertThat(w.data().get("previous").asInt()).isEqualTo(10);
            assertThat(w.data().get("weight").asInt()).isZero();
            assertThat(comets.entry("a").weight()).as("published at once").isZero();
            assertThat(comets.entry("a").offline()).as("weight 0 is not a drain").isFalse();
            assertThat(weighted(url)).contains(tcp(b)).doesNotContain(tcp(a));

            List<CompletableFuture<Void>> connects = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                JgoimClient c = JgoimClient.builder().nodesUrl(url).goimToken(3000 + i, "", "live://w", "tcp", 1000)
                        .backoff(Duration.ofMillis(100), Duration.ofMillis(500)).group(group).build();
                clients.add(c);
                connects.add(c.connect());
            }
            joinAll(connects);
            assertThat(clients).allSatisfy(c -> assertThat(c.node()).isEqualTo(tcp(b)));
            assertThat(a.sessionCount()).isZero();
            assertThat(b.sessionCount()).isEqualTo(8);

            assertThat(ops(a, "POST", "/admin/weight?weight=3").data().get("previous").asInt()).isZero();
            assertThat(comets.entry("a").weight()).isEqualTo(3);
            assertThat(weighted(url)).contains(tcp(a));
        }
    }

    private String weighted(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "?platform=tcp")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void shouldDrainThroughTheRouteAndMoveClientsToTheOtherComet() throws Exception {
        List<Closes> closes = new ArrayList<>();
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Closes c = new Closes();
            closes.add(c);
            connects.add(client(Transport.TCP, 4000 + i, "live://d", c, tcp(a), tcp(b)).connect());
        }
        joinAll(connects);
        assertThat(a.sessionCount()).isEqualTo(10);
        Reply drain = ops(a, "POST", "/admin/drain?seconds=2");
        assertThat(drain.code()).isZero();
        assertThat(drain.data().get("sessions").asInt()).isEqualTo(10);
        assertThat(drain.data().get("already").asBoolean()).isFalse();
        assertThat(drain.data().get("drainSeconds").asInt()).isEqualTo(2);
        assertThat(a.isDraining()).isTrue();
        assertThat(comets.entry("a").offline()).isTrue();
        assertThat(ops(a, "POST", "/admin/drain").data().get("already").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
            for (JgoimClient c : clients) {
                assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
                assertThat(c.node()).isEqualTo(tcp(b));
            }
        });
        assertThat(a.sessionCount()).isZero();
        assertThat(b.sessionCount()).isEqualTo(10);
        for (Closes c : closes) {
            assertThat(c.all.get(0).code()).isEqualTo(CloseCode.SHUTDOWN.code());
            assertThat(c.willReconnect).doesNotContain(false);
        }
    }
}
