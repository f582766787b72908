package io.jgoim.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.CloseCode;
import io.jgoim.server.JgoimMain;
import io.jgoim.protocol.ErrorCode;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Logic's cluster admin routes on a real cluster (redis-server session directory and node registry, two comets
 * reached over their gRPC CometAdmin service, Java SDK clients): a member's sessions listed from the directory with
 * room and transport from the comets, room presence merged across comets and paged without duplicates, a member and
 * a key kicked wherever they are (KICKED 4502, the SDK stays closed), a named comet's weight set to 0 (the registry
 * and logic's node list show it) and its drain started (its clients move to the other comet with 4001), and an
 * unknown comet answered NOT_FOUND. The CLI client ({@code jgoim client --nodes}) on the drained comet reconnects to
 * the other one by logic's node list after its 4001, and a kick (4502) ends it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterAdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<JgoimClient> clients = new ArrayList<>();
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(2);
    private Cluster cluster;

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        if (cluster != null) {
            cluster.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Closes implements ClientListener {
        final List<CloseStatus> all = new CopyOnWriteArrayList<>();
        final List<Boolean> willReconnect = new CopyOnWriteArrayList<>();
        final List<String> nodes = new CopyOnWriteArrayList<>();

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean reconnect) {
            all.add(status);
            willReconnect.add(reconnect);
        }

        @Override
        public void onConnected(JgoimClient client, String node) {
            nodes.add(node);
        }
    }

    private CompletableFuture<Void> connect(Transport t, long mid, String room, Closes closes, String... addresses) {
        JgoimClient c = JgoimClient.builder().addresses(addresses).transport(t).goimToken(mid, "", room, "web", 1000)
                .heartbeatInterval(Duration.ofSeconds(5)).backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .group(group).listener(closes).build();
        clients.add(c);
        return c.connect();
    }

    private JsonNode call(String method, String pathAndQuery, int expectedCode) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.api() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("code").asInt()).as(method + " " + pathAndQuery + ": " + r.body())
                .isEqualTo(expectedCode);
        assertThat(r.statusCode()).isNotEqualTo(500);
        return json.get("data");
    }

    @Test
    void shouldListKickPageAndSteerCometsAcrossTheCluster(@TempDir Path dir) throws Exception {
        cluster = Cluster.start(dir, Cluster.Options.of(2, 0));
        CometNode c1 = cluster.comets().get(0);
        CometNode c2 = cluster.comets().get(1);
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        Map<Integer, Closes> member50 = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Closes closes = new Closes();
            member50.put(i, closes);
            connects.add(connect(i == 1 ? Transport.WEBSOCKET : Transport.TCP, 50, "live://hall", closes,
                    i == 2 ? c2.tcp() : i == 1 ? c1.ws() : c1.tcp()));
        }
        Closes member51 = new Closes();
        connects.add(connect(Transport.TCP, 51, "live://hall", member51, c2.tcp()));
        // Room members on both comets; the c2 ones know c1 too, so the drain moves them there.
        for (int i = 0; i < 10; i++) {
            connects.add(connect(Transport.TCP, 100 + i, "live://stage", new Closes(),
                    i % 2 == 0 ? c1.tcp() : c2.tcp(), c1.tcp()));
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();

        // The member's sessions, from the directory, with room and transport from the comets.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(call("GET", "/goim/admin/sessions?mid=50", 0).get("count").asInt()).isEqualTo(3));
        JsonNode sessions = call("GET", "/goim/admin/sessions?mid=50", 0).get("sessions");
        Map<String, Integer> perServer = new HashMap<>();
        Set<String> transports = new HashSet<>();
        for (JsonNode s : sessions) {
            perServer.merge(s.get("server").asText(), 1, Integer::sum);
            transports.add(s.get("transport").asText());
            assertThat(s.get("room").asText()).isEqualTo("live://hall");
        }
        assertThat(perServer).containsEntry(c1.id(), 2).containsEntry(c2.id(), 1);
        assertThat(transports).containsExactlyInAnyOrder("tcp", "ws");

        // Presence across both comets, 4 a page.
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Set<String> servers = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = call("GET", "/goim/admin/presence?type=live&room=stage&limit=4"
                    + (cursor == null ? "" : "&cursor=" + cursor), 0);
            assertThat(page.get("online").asInt()).isEqualTo(10);
            assertThat(page.get("unavailable")).isEmpty();
            sizes.add(page.get("count").asInt());
            for (JsonNode m : page.get("members")) {
                seen.add(m.get("key").asText());
                servers.add(m.get("server").asText());
                assertThat(m.get("mid").asLong()).isBetween(100L, 109L);
            }
            cursor = page.get("cursor").isNull() ? null : page.get("cursor").asText();
        } while (cursor != null);
        assertThat(sizes).containsExactly(4, 4, 2);
        assertThat(seen).hasSize(10).doesNotHaveDuplicates().isSorted();
        assertThat(servers).containsExactlyInAnyOrder(c1.id(), c2.id());

        // Kick a member on both comets, then one key.
        JsonNode kicked = call("POST", "/goim/admin/kick?mid=50", 0);
        assertThat(kicked.get("closed").asInt()).isEqualTo(3);
        assertThat(kicked.get("comets").get(c1.id()).asInt()).isEqualTo(2);
        assertThat(kicked.get("comets").get(c2.id()).asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.subList(0, 3).stream()
                .allMatch(c -> c.state() == ClientState.CLOSED));
        for (Closes c : member50.values()) {
            assertThat(c.all).extracting(CloseStatus::code).containsExactly(CloseCode.KICKED.code());
            assertThat(c.willReconnect).containsExactly(false);
        }
        String key51 = call("GET", "/goim/admin/sessions?mid=51", 0).get("sessions").get(0).get("key").asText();
        assertThat(call("POST", "/goim/admin/kick?key=" + key51, 0).get("closed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.get(3).state() == ClientState.CLOSED);
        assertThat(member51.all).extracting(CloseStatus::code).containsExactly(CloseCode.KICKED.code());
        Thread.sleep(1000);
        assertThat(member50.values()).allSatisfy(c -> assertThat(c.nodes).hasSize(1));
        assertThat(member51.nodes).as("terminal: never reconnected").hasSize(1);

        // Unknown comet: NOT_FOUND, nothing changed.
        call("POST", "/goim/admin/comet/weight?server=nope&weight=0", ErrorCode.NOT_FOUND.code());
        call("POST", "/goim/admin/comet/drain?server=nope", ErrorCode.NOT_FOUND.code());

        // Weight 0 on c1, forwarded over gRPC: logic's node list stops offering it.
        JsonNode w = call("POST", "/goim/admin/comet/weight?server=" + c1.id() + "&weight=0", 0);
        assertThat(w.get("weight").asInt()).isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode list = call("GET", "/goim/nodes/weighted?platform=tcp", 0);
            assertThat(list.get("nodes").toString()).doesNotContain(c1.tcp()).contains(c2.tcp());
        });
        assertThat(c1.server().isDraining()).as("weight 0 is not a drain").isFalse();
        assertThat(call("POST", "/goim/admin/comet/weight?server=" + c1.id() + "&weight=5", 0).get("previous")
                .asInt()).isZero();

        // The CLI client (jgoim client) on c2 with logic's node list: after c2's drain (4001) it goes to c1.
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> cli;
        try {
            cli = CompletableFuture.supplyAsync(() -> JgoimMain.execute("client",
                    "--port", c2.tcp().substring(c2.tcp().indexOf(':') + 1), "--mid", "777", "--room", "live://cli",
                    "--nodes", cluster.api() + "/goim/nodes/weighted", "--heartbeat", "5s"));
            await().atMost(Duration.ofSeconds(15)).until(() -> cli.isDone()
                    || captured.toString(StandardCharsets.UTF_8).contains("waiting for pushes"));
            assertThat(cli.isDone()).as("the CLI ended early: %s", captured).isFalse();
            assertThat(call("GET", "/goim/admin/sessions?mid=777", 0).get("sessions").get(0).get("server").asText())
                    .isEqualTo(c2.id());

            // Drain c2 through logic: its room members and the CLI move to c1 (SHUTDOWN, then reconnect).
            assertThat(c2.server().sessionCount()).isEqualTo(6);
            JsonNode drain = call("POST", "/goim/admin/comet/drain?server=" + c2.id() + "&seconds=2", 0);
            assertThat(drain.get("sessions").asInt()).isEqualTo(6);
            assertThat(c2.server().isDraining()).isTrue();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(c2.server().sessionCount()).isZero();
                assertThat(c1.server().sessionCount()).isEqualTo(11);
            });
            for (JgoimClient c : clients.subList(4, 14)) {
                assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
                assertThat(c.node()).isEqualTo(c1.tcp());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(call("GET",
                    "/goim/admin/sessions?mid=777", 0).get("sessions").get(0).get("server").asText())
                    .isEqualTo(c1.id()));
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("closed code=" + CloseCode.SHUTDOWN.code())
                    .contains("(reconnecting)");
            // A kick ends the CLI: 4502 is terminal.
            assertThat(call("POST", "/goim/admin/kick?mid=777", 0).get("closed").asInt()).isEqualTo(1);
            cli.get(15, TimeUnit.SECONDS);
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("closed code=" + CloseCode.KICKED.code());
        } finally {
            System.setOut(original);
        }
        System.out.print(captured.toString(StandardCharsets.UTF_8));
    }

    /** A session of {@code tenant} ("" = the default one) with key {@code key}; its pushes go to {@code got}. */
    private JgoimClient tenantClient(String tenant, long mid, String key, Closes closes, List<String> got,
                                     String address) {
        byte[] token = ("{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"live://t\",\"platform\":\"test\""
                + ",\"accepts\":[1000]" + (tenant.isEmpty() ? "" : ",\"tenant\":\"" + tenant + "\"") + "}")
                .getBytes(StandardCharsets.UTF_8);
        JgoimClient c = JgoimClient.builder().addresses(address).transport(Transport.TCP).token(token)
                .heartbeatInterval(Duration.ofSeconds(5)).reconnect(false).group(group).listener(new ClientListener() {
                    @Override
                    public void onPush(JgoimClient client, int op, int seq, io.netty.buffer.ByteBuf body) {
                        got.add(body.toString(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onClose(JgoimClient client, CloseStatus status, boolean reconnect) {
                        closes.onClose(client, status, reconnect);
                    }
                }).build();
        clients.add(c);
        return c;
    }

    /**
     * Member 5 and key k1 of tenant acme and of the default tenant at once, on the same comet (acme's member 5 on the
     * other comet too): sessions, kick and presence with tenant=acme reach acme's sessions only, through the Redis
     * directory's tenant view and the comets' CometAdmin tenant field (c1 holds both tenants' member 5 and key k1);
     * the default tenant's member 5 stays connected and gets its push through Kafka and the job; an undeclared
     * tenant is refused with 114.
     */
    @Test
    void shouldListAndKickOneTenantsMemberAndKeyOnly(@TempDir Path dir) throws Exception {
        String tenants = "tenants: {declared: [acme]}\n";
        cluster = Cluster.start(dir, Cluster.Options.of(2, 1).logicYaml(tenants).cometYaml(tenants).jobYaml(tenants));
        CometNode c1 = cluster.comets().get(0);
        CometNode c2 = cluster.comets().get(1);
        Closes acmeOnC1 = new Closes();
        Closes acmeOnC2 = new Closes();
        Closes dflt = new Closes();
        List<String> acmeGot = new CopyOnWriteArrayList<>();
        List<String> defaultGot = new CopyOnWriteArrayList<>();
        JgoimClient a1 = tenantClient("acme", 5, "k1", acmeOnC1, acmeGot, c1.tcp());
        JgoimClient a2 = tenantClient("acme", 5, "k2", acmeOnC2, acmeGot, c2.tcp());
        JgoimClient d = tenantClient("", 5, "k1", dflt, defaultGot, c1.tcp());
        CompletableFuture.allOf(a1.connect(), a2.connect(), d.connect()).orTimeout(30, TimeUnit.SECONDS).join();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                call("GET", "/goim/admin/sessions?mid=5&tenant=acme", 0).get("count").asInt()).isEqualTo(2));
        JsonNode acme = call("GET", "/goim/admin/sessions?mid=5&tenant=acme", 0);
        assertThat(acme.get("tenant").asText()).isEqualTo("acme");
        Map<String, String> serverByKey = new HashMap<>();
        acme.get("sessions").forEach(s -> serverByKey.put(s.get("key").asText(), s.get("server").asText()));
        assertThat(serverByKey).containsEntry("k1", c1.id()).containsEntry("k2", c2.id()).hasSize(2);
        acme.get("sessions").forEach(s -> assertThat(s.get("room").asText()).isEqualTo("live://t"));
        JsonNode mine = call("GET", "/goim/admin/sessions?mid=5", 0);
        assertThat(mine.has("tenant")).isFalse();
        assertThat(mine.get("count").asInt()).isEqualTo(1);
        assertThat(mine.get("sessions").get(0).get("key").asText()).isEqualTo("k1");
        JsonNode room = call("GET", "/goim/admin/presence?type=live&room=t&tenant=acme", 0);
        assertThat(room.get("online").asInt()).isEqualTo(2);
        assertThat(room.get("tenant").asText()).isEqualTo("acme");
        assertThat(call("GET", "/goim/admin/presence?type=live&room=t", 0).get("online").asInt()).isEqualTo(1);

        int unknown = ErrorCode.UNKNOWN_TENANT.code();
        call("POST", "/goim/admin/kick?mid=5&tenant=nope", unknown);
        call("POST", "/goim/admin/kick?key=k1&tenant=nope", unknown);
        call("GET", "/goim/admin/sessions?mid=5&tenant=nope", unknown);
        call("GET", "/goim/admin/presence?type=live&room=t&tenant=nope", unknown);

        // acme's member 5 on both comets; on c1 the default tenant's member 5 is not acme's and stays.
        JsonNode byMid = call("POST", "/goim/admin/kick?mid=5&tenant=acme", 0);
        assertThat(byMid.get("tenant").asText()).isEqualTo("acme");
        assertThat(byMid.get("closed").asInt()).isEqualTo(2);
        assertThat(byMid.get("comets").get(c1.id()).asInt()).isEqualTo(1);
        assertThat(byMid.get("comets").get(c2.id()).asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> a1.state() == ClientState.CLOSED
                && a2.state() == ClientState.CLOSED);
        assertThat(acmeOnC1.all).extracting(CloseStatus::code).containsExactly(CloseCode.KICKED.code());
        assertThat(acmeOnC2.all).extracting(CloseStatus::code).containsExactly(CloseCode.KICKED.code());
        // acme's key k1 on c1, where the default tenant's k1 is too: only acme's closes.
        Closes acmeKey = new Closes();
        JgoimClient a3 = tenantClient("acme", 7, "k1", acmeKey, acmeGot, c1.tcp());
        a3.connect().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                call("GET", "/goim/admin/sessions?mid=7&tenant=acme", 0).get("count").asInt()).isEqualTo(1));
        JsonNode byKey = call("POST", "/goim/admin/kick?key=k1&tenant=acme", 0);
        assertThat(byKey.get("closed").asInt()).isEqualTo(1);
        assertThat(byKey.get("comets").get(c1.id()).asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> a3.state() == ClientState.CLOSED);
        assertThat(acmeKey.all).extracting(CloseStatus::code).containsExactly(CloseCode.KICKED.code());

        HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create(cluster.api()
                + "/goim/push/mids?operation=1000&mids=5")).POST(HttpRequest.BodyPublishers.ofString("still here"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> defaultGot.contains("still here"));
        assertThat(d.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(dflt.all).isEmpty();
        assertThat(acmeGot).isEmpty();
        assertThat(call("GET", "/goim/admin/sessions?mid=5", 0).get("count").asInt()).isEqualTo(1);
    }
}
