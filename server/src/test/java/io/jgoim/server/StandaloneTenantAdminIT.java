package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin routes' {@code tenant} in standalone (the in-memory session directory twin, the comet in-process and its
 * own admin port on): member 5 and key {@code phone} of tenant {@code acme} and of the default tenant connected at
 * once on the same comet. Logic's {@code /goim/admin/sessions}, {@code presence} and {@code kick} and the comet's
 * {@code /admin/sessions}, {@code /admin/presence} and {@code /admin/kick} with {@code tenant=acme} list and close
 * acme's sessions only (KICKED 4502), the default tenant's member still gets its pushes, no tenant means the default
 * tenant as before, and an undeclared tenant is refused with UNKNOWN_TENANT (114) on every route.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneTenantAdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACME = "acme";
    private static final String OPS = "t".repeat(40);

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;

    /** One session's pushes and closes. */
    static final class Device implements ClientListener {
        final List<String> got = new CopyOnWriteArrayList<>();
        final List<Integer> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
            got.add(body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
            closes.add(status.code());
        }
    }

    @BeforeEach
    void start() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(OPS.getBytes(StandardCharsets.US_ASCII)));
        fixture = StandaloneWithClients.in(dir)
                .logic("tenants: {declared: [" + ACME + "]}")
                .comet("admin: {enabled: true, bind: \"127.0.0.1\", port: 0, apiKeys: [{id: ops, sha256: \"" + sha
                        + "\", scopes: [admin], ratePerSecond: 0, burst: 0}]}")
                .start();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private JgoimClient device(String tenant, long mid, String key, Device listener) throws Exception {
        byte[] token = ("{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"live://t\",\"platform\":\"test\""
                + ",\"accepts\":[1000]" + (tenant.isEmpty() ? "" : ",\"tenant\":\"" + tenant + "\"") + "}")
                .getBytes(StandardCharsets.UTF_8);
        return fixture.connect(fixture.client(Transport.TCP).token(token).heartbeatInterval(Duration.ofSeconds(5))
                .listener(listener));
    }

    /** Logic's API: the reply's data after checking its code (and HTTP status 400 for a refusal). */
    private JsonNode api(String method, String pathAndQuery, int code) throws Exception {
        HttpResponse<String> r = method.equals("GET") ? Pushes.get(fixture.api(), pathAndQuery)
                : Pushes.post(fixture.api(), pathAndQuery, "");
        return checked(r, method + " " + pathAndQuery, code);
    }

    /** The comet's admin port. */
    private JsonNode comet(String method, String pathAndQuery, int code) throws Exception {
        String base = "http://127.0.0.1:" + fixture.server().comet().adminAddress().getPort();
        HttpResponse<String> r = Pushes.HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .header("Authorization", "Bearer " + OPS).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        return checked(r, "comet " + method + " " + pathAndQuery, code);
    }

    private static JsonNode checked(HttpResponse<String> r, String what, int code) throws Exception {
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("code").asInt()).as(what + ": " + r.body()).isEqualTo(code);
        assertThat(r.statusCode()).as(what).isEqualTo(code == 0 ? 200 : ErrorCode.of(code).httpStatus());
        return json.get("data");
    }

    private static List<String> keys(JsonNode sessions) {
        List<String> out = new ArrayList<>();
        sessions.forEach(s -> out.add(s.get("key").asText() + "/" + s.path("tenant").asText("default")));
        return out;
    }

    @Test
    void shouldListAndKickOneTenantsMemberAndKeyAndRefuseAnUnknownTenant() throws Exception {
        Device acme5 = new Device();
        Device acme6 = new Device();
        Device default5 = new Device();
        JgoimClient a5 = device(ACME, 5, "phone", acme5);
        JgoimClient a6 = device(ACME, 6, "tablet", acme6);
        JgoimClient d5 = device("", 5, "phone", default5);

        // Sessions: acme's member 5 with tenant=acme, the default tenant's without (as before) and with default.
        JsonNode acmeSessions = api("GET", "/goim/admin/sessions?mid=5&tenant=acme", 0);
        assertThat(acmeSessions.get("tenant").asText()).isEqualTo(ACME);
        assertThat(acmeSessions.get("count").asInt()).isEqualTo(1);
        assertThat(keys(acmeSessions.get("sessions"))).containsExactly("phone/default"); // key as its clients name it
        assertThat(acmeSessions.get("sessions").get(0).get("room").asText()).isEqualTo("live://t");
        JsonNode defaultSessions = api("GET", "/goim/admin/sessions?mid=5", 0);
        assertThat(defaultSessions.has("tenant")).as("the default tenant's answer reads as before").isFalse();
        assertThat(defaultSessions.get("count").asInt()).isEqualTo(1);
        assertThat(api("GET", "/goim/admin/sessions?mid=5&tenant=default", 0).get("count").asInt()).isEqualTo(1);
        assertThat(api("GET", "/goim/admin/sessions?mid=6", 0).get("count").asInt()).isZero();
        assertThat(keys(comet("GET", "/admin/sessions?mid=5&tenant=acme", 0))).containsExactly("phone/acme");
        assertThat(keys(comet("GET", "/admin/sessions?mid=5", 0))).containsExactly("phone/default");

        // Presence of the same room name: each tenant's own members.
        JsonNode acmeRoom = api("GET", "/goim/admin/presence?type=live&room=t&tenant=acme", 0);
        assertThat(acmeRoom.get("tenant").asText()).isEqualTo(ACME);
        assertThat(acmeRoom.get("online").asInt()).isEqualTo(2);
        assertThat(keys(acmeRoom.get("members"))).containsExactly("phone/default", "tablet/default");
        JsonNode defaultRoom = api("GET", "/goim/admin/presence?type=live&room=t", 0);
        assertThat(defaultRoom.has("tenant")).isFalse();
        assertThat(keys(defaultRoom.get("members"))).containsExactly("phone/default");
        assertThat(keys(comet("GET", "/admin/presence?room=live://t&tenant=acme", 0).get("members")))
                .containsExactly("phone/acme", "tablet/acme");

        // An undeclared tenant: 114 on every route, on logic and on the comet; nothing closed.
        int unknown = ErrorCode.UNKNOWN_TENANT.code();
        api("POST", "/goim/admin/kick?mid=5&tenant=nope", unknown);
        api("POST", "/goim/admin/kick?key=phone&tenant=nope", unknown);
        api("GET", "/goim/admin/sessions?mid=5&tenant=nope", unknown);
        api("GET", "/goim/admin/presence?type=live&room=t&tenant=nope", unknown);
        comet("POST", "/admin/kick?mid=5&tenant=nope", unknown);
        comet("GET", "/admin/sessions?mid=5&tenant=nope", unknown);
        comet("GET", "/admin/presence?room=live://t&tenant=nope", unknown);
        // A key with the separator would pose as a namespaced one: refused, the tenant goes in tenant=.
        api("POST", "/goim/admin/kick?key=acme%1Fphone", ErrorCode.BAD_PARAMETER.code());
        comet("POST", "/admin/kick?key=acme%1Fphone", ErrorCode.BAD_PARAMETER.code());

        // Logic kicks acme's member 5 only: the default tenant's member 5 on the same comet stays.
        JsonNode kicked = api("POST", "/goim/admin/kick?mid=5&tenant=acme", 0);
        assertThat(kicked.get("tenant").asText()).isEqualTo(ACME);
        assertThat(kicked.get("closed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> a5.state() == ClientState.CLOSED);
        assertThat(acme5.closes).containsExactly(CloseCode.KICKED.code());
        // The comet kicks acme's key "tablet" by tenant and key.
        JsonNode keyKick = comet("POST", "/admin/kick?key=tablet&tenant=acme", 0);
        assertThat(keyKick.get("closed").asInt()).isEqualTo(1);
        assertThat(keyKick.get("tenant").asText()).isEqualTo(ACME);
        await().atMost(Duration.ofSeconds(10)).until(() -> a6.state() == ClientState.CLOSED);
        assertThat(acme6.closes).containsExactly(CloseCode.KICKED.code());
        // The default tenant's "phone" is not acme's: a key kick in acme finds no session now.
        api("POST", "/goim/admin/kick?key=phone&tenant=acme", ErrorCode.NOT_FOUND.code());
        assertThat(comet("POST", "/admin/kick?mid=5&tenant=acme", 0).get("closed").asInt()).isZero();

        Pushes.post(fixture.api(), "/goim/push/mids?operation=1000&mids=5", "still here");
        await().atMost(Duration.ofSeconds(10)).until(() -> default5.got.contains("still here"));
        assertThat(d5.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(default5.closes).isEmpty();
        assertThat(acme5.got).isEmpty();

        // No tenant: the default tenant's member, as before.
        assertThat(api("POST", "/goim/admin/kick?mid=5", 0).get("closed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> d5.state() == ClientState.CLOSED);
        assertThat(default5.closes).containsExactly(CloseCode.KICKED.code());
    }
}
