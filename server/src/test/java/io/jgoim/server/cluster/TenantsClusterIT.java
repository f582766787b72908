package io.jgoim.server.cluster;

import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.comet.TestClient;
import io.jgoim.client.Transport;
import io.jgoim.client.ClientTransports;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenants end to end in a real cluster (Redis session directory and history, KRaft Kafka, logic, one job, two comets
 * over gRPC; the shared {@link Cluster} fixture): the default tenant and a load-test tenant declared beside it, their
 * sessions in the SAME room names with the SAME mids and session keys, spread over both comets. While the load-test
 * tenant pushes a steady room load, both tenants push to mids, keys, a room and everyone: every session gets exactly
 * its own tenant's pushes addressed to it and not one of the other tenant's. A goim ver-1 client of the default
 * tenant (plain goim JSON token) gets the default tenant's pushes as before. Online counts, Redis keys and the
 * tenant-labelled meters are per tenant; an unknown tenant is refused with 114 at connect and at the push API.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TenantsClusterIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String LOAD = "loadtest";
    /** Sessions per tenant; mids repeat (two sessions per mid), keys are the same strings in both tenants. */
    private static final int PER_TENANT = 24;
    private static Cluster cluster;
    private static EventLoopGroup group;
    private static final List<JgoimClient> clients = new ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) {
        String tenants = "tenants: {declared: [" + LOAD + "]}\n"; // logic's list; comets and job label meters by it
        cluster = Cluster.start(dir, Cluster.Options.of(2, 1).logicYaml(tenants).cometYaml(tenants).jobYaml(tenants));
        group = ClientTransports.newEventLoopGroup(2);
    }

    @AfterAll
    static void stop() {
        clients.forEach(JgoimClient::close);
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One session: its tenant ("" = default), mid, key, room, and every push body it got. */
    record Member(String tenant, long mid, String key, String room, List<String> got) {
        String label() {
            return tenant.isEmpty() ? "default" : tenant;
        }
    }

    private static byte[] token(String tenant, long mid, String key, String room) {
        return ("{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"test\",\"accepts\":[1000]"
                + (tenant.isEmpty() ? "" : ",\"tenant\":\"" + tenant + "\"") + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static JgoimClient client(byte[] token, String address, boolean extended, List<String> got) {
        String[] hp = address.split(":");
        JgoimClient c = JgoimClient.builder().host(hp[0]).port(Integer.parseInt(hp[1])).transport(Transport.TCP)
                .token(token).heartbeatInterval(Duration.ofSeconds(20)).extended(extended).positions(false)
                .reconnect(false).group(group).listener(new ClientListener() {
                    @Override
                    public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                        got.add(body.toString(StandardCharsets.UTF_8));
                    }
                }).build();
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    private static HttpResponse<String> post(String tenant, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.api() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (tenant != null) {
            b.header("X-Jgoim-Tenant", tenant);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String tenant, String pathAndQuery) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.api() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET();
        if (tenant != null) {
            b.header("X-Jgoim-Tenant", tenant);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).as(r.body()).startsWith("{\"code\":0");
    }

    @Test
    void shouldKeepEveryTenantsPushesToItsOwnSessionsAtLoad() throws Exception {
        List<CometNode> comets = cluster.comets();
        List<Member> members = new ArrayList<>();
        List<JgoimClient> all = new ArrayList<>();
        for (String tenant : List.of("", LOAD)) {
            for (int i = 0; i < PER_TENANT; i++) {
                Member m = new Member(tenant, 1 + i / 2, "k-" + i, i % 2 == 0 ? "live://1" : "live://2",
                        new CopyOnWriteArrayList<>());
                members.add(m);
                all.add(client(token(tenant, m.mid(), m.key(), m.room()), comets.get(i % 2).tcp(), true, m.got()));
            }
        }
        // A goim ver-1 client of the default tenant: goim's own token, goim's frames.
        Member goim = new Member("", 1, "goim-v1", "live://1", new CopyOnWriteArrayList<>());
        members.add(goim);
        all.add(client(token("", goim.mid(), goim.key(), goim.room()), comets.get(0).tcp(), false, goim.got()));
        Fleet.connectAll(all, 8, Duration.ofSeconds(30));

        // The load-test tenant's steady room load on live://2, running while both tenants push below.
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger loadSent = new AtomicInteger();
        List<String> loadErrors = new CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            while (loading.get()) {
                int n = loadSent.get();
                try {
                    HttpResponse<String> r = post(LOAD, "/goim/push/room?operation=1000&type=live&room=2",
                            LOAD + "|load|" + n);
                    if (r.statusCode() == 200) {
                        loadSent.incrementAndGet();
                    } else {
                        loadErrors.add(r.body());
                    }
                    Thread.sleep(5);
                } catch (Exception e) {
                    loadErrors.add(String.valueOf(e));
                    return;
                }
            }
        }, "tenant-load");
        load.start();

        int rounds = 6;
        for (int round = 0; round < rounds; round++) {
            for (String tenant : List.of("default", LOAD)) {
                ok(post(tenant, "/goim/push/mids?operation=1000&mids=1,2,3", tenant + "|mids|" + round));
                ok(post(tenant, "/goim/push/keys?operation=1000&keys=k-7,k-8,goim-v1", tenant + "|keys|" + round));
                ok(post(tenant, "/goim/push/room?operation=1000&type=live&room=1", tenant + "|room|" + round));
                ok(post(tenant, "/goim/push/all?operation=1000", tenant + "|all|" + round));
            }
        }
        Thread.sleep(300);
        loading.set(false);
        load.join(10_000);
        assertThat(loadErrors).isEmpty();
        int loadPushes = loadSent.get();
        assertThat(loadPushes).isPositive();

        for (Member m : members) {
            List<String> expected = expected(m, rounds, loadPushes);
            await().atMost(Duration.ofSeconds(60)).until(() -> m.got().size() >= expected.size());
        }
        Thread.sleep(1000); // anything that should not come would have come by now
        int crossTenant = 0;
        for (Member m : members) {
            for (String body : m.got()) {
                if (!body.startsWith(m.label() + "|")) {
                    crossTenant++;
                }
            }
        }
        System.out.printf("TenantsClusterIT: %d sessions, %d load pushes, %d cross-tenant deliveries%n",
                members.size(), loadPushes, crossTenant);
        assertThat(crossTenant).as("deliveries to a session of another tenant").isZero();
        for (Member m : members) {
            assertThat(m.got()).as("%s %s (mid %d, %s)", m.label(), m.key(), m.mid(), m.room())
                    .containsExactlyInAnyOrderElementsOf(expected(m, rounds, loadPushes));
        }

        onlineCountsArePerTenant(members);
        redisKeysAreNamespaced();
        metricsAreLabelledByTenant();
    }

    /** What {@code m} must get: its tenant's pushes to its mid, its key, its room and everyone. */
    private static List<String> expected(Member m, int rounds, int loadPushes) {
        List<String> out = new ArrayList<>();
        String t = m.label();
        for (int round = 0; round < rounds; round++) {
            if (m.mid() <= 3) {
                out.add(t + "|mids|" + round);
            }
            if (List.of("k-7", "k-8", "goim-v1").contains(m.key())) {
                out.add(t + "|keys|" + round);
            }
            if (m.room().equals("live://1")) {
                out.add(t + "|room|" + round);
            }
            out.add(t + "|all|" + round);
        }
        if (m.tenant().equals(LOAD) && m.room().equals("live://2")) {
            for (int n = 0; n < loadPushes; n++) {
                out.add(LOAD + "|load|" + n);
            }
        }
        return out;
    }

    private static void onlineCountsArePerTenant(List<Member> members) {
        for (String tenant : List.of("default", LOAD)) {
            long in1 = members.stream().filter(m -> m.label().equals(tenant) && m.room().equals("live://1")).count();
            long in2 = members.stream().filter(m -> m.label().equals(tenant) && m.room().equals("live://2")).count();
            String expected = "{\"1\":" + in1 + ",\"2\":" + in2 + "}";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    get(tenant, "/goim/online/room?type=live&rooms=1,2").body()).contains("\"data\":" + expected));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    get(tenant, "/goim/online/total").body()).contains("\"room_sessions\":" + (in1 + in2) + ","));
        }
    }

    private static void redisKeysAreNamespaced() {
        RedisClients redis = RedisClients.connect(List.of(cluster.redis().uri()), false, Duration.ofSeconds(2),
                1000);
        try {
            Map<String, String> mine = redis.async().hgetall("mid_{" + LOAD + "\u001f1}").toCompletableFuture()
                    .join();
            Map<String, String> theirs = redis.async().hgetall("mid_{1}").toCompletableFuture().join();
            assertThat(mine.keySet()).containsExactlyInAnyOrder(LOAD + "\u001fk-0", LOAD + "\u001fk-1");
            assertThat(theirs.keySet()).containsExactlyInAnyOrder("k-0", "k-1", "goim-v1");
            assertThat(redis.async().get("key_{" + LOAD + "\u001fk-0}").toCompletableFuture().join()).isNotNull();
            assertThat(redis.async().get("key_{k-0}").toCompletableFuture().join()).isNotNull();
        } finally {
            redis.close();
        }
    }

    private static void metricsAreLabelledByTenant() throws Exception {
        String metrics = get(null, "/metrics").body();
        assertThat(metrics).containsPattern("jgoim_logic_tenant_pushes_total\\{[^}]*tenant=\"loadtest\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("jgoim_logic_tenant_pushes_total\\{[^}]*tenant=\"default\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern(
                "jgoim_logic_tenant_sessions_connected_total\\{[^}]*tenant=\"loadtest\"[^}]*} " + PER_TENANT + "\\.0");
        // Comets and the job: sessions and deliveries by tenant, the declared names only (nothing under "other").
        double loadSessions = 0;
        double defaultSessions = 0;
        double loadDelivered = 0;
        for (CometNode c : cluster.comets()) {
            String text = scrape(c.server().adminAddress());
            loadSessions += value(text, "jgoim_comet_tenant_sessions", LOAD);
            defaultSessions += value(text, "jgoim_comet_tenant_sessions", "default");
            loadDelivered += value(text, "jgoim_comet_tenant_pushes_delivered_total", LOAD);
            assertThat(value(text, "jgoim_comet_tenant_pushes_delivered_total", "other")).isZero();
            assertThat(value(text, "jgoim_comet_tenant_sessions", "other")).isZero();
        }
        assertThat(loadSessions).isEqualTo(PER_TENANT);
        assertThat(defaultSessions).isEqualTo(PER_TENANT + 1); // and the goim ver-1 client
        assertThat(loadDelivered).isPositive();
        String job = scrape(cluster.jobs().get(0).server().metricsAddress());
        assertThat(value(job, "jgoim_job_tenant_pushes_total", LOAD)).isPositive();
        assertThat(value(job, "jgoim_job_tenant_pushes_total", "default")).isPositive();
        assertThat(value(job, "jgoim_job_tenant_pushes_total", "other")).isZero();
        // at least: a retried call the comet answers from its first outcome counts twice here, once there
        assertThat(value(job, "jgoim_job_tenant_sessions_delivered_total", LOAD))
                .isGreaterThanOrEqualTo(loadDelivered);
    }

    private static String scrape(InetSocketAddress a) throws Exception {
        // The admin ports bind every address: scrape them on loopback.
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of {@code name{tenant="<tenant>"}} in a Prometheus scrape (the series must be there). */
    private static double value(String scrape, String name, String tenant) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*tenant=\"" + tenant
                + "\"[^}]*} (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(name + "{tenant=" + tenant + "}").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void shouldRefuseAnUnknownTenantAtConnectAndAtThePushApi() throws Exception {
        String[] ws = cluster.comets().get(0).ws().split(":");
        try (TestClient c = TestClient.connect(TestClient.Mode.WS,
                new InetSocketAddress(ws[0], Integer.parseInt(ws[1])), "/sub")) {
            c.send(2, Op.AUTH, 1, token("nope", 9, "k-nope", "live://1"));
            byte[] err = c.next(10_000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.UNKNOWN_TENANT.code() + ",");
            assertThat(c.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(CloseCode.AUTH_FAILED.code());
        }

        HttpResponse<String> r = post("nope", "/goim/push/all?operation=1000", "x");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"code\":" + ErrorCode.UNKNOWN_TENANT.code() + ",");
        HttpResponse<String> online = get("nope", "/goim/online/total");
        assertThat(online.statusCode()).isEqualTo(400);
        assertThat(online.body()).startsWith("{\"code\":114,");
        assertThat(get(null, "/metrics").body()).containsPattern("jgoim_logic_auth_refused_total\\{[^}]*"
                + "code=\"UNKNOWN_TENANT\"[^}]*} [1-9]");
    }
}
