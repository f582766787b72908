package io.jgoim.server;

import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.protocol.Tenancy;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A declared tenant's member and broadcast streams keep history, in standalone with the Java SDK (positions on):
 * tenant {@code acme}'s session of member 7 gets its member pushes and its tenant's broadcasts positioned on
 * {@code acme<US>mid:7} and {@code acme<US>broadcast}, misses some while away, and resumes both streams with no gap.
 * The default tenant's and tenant {@code beta}'s sessions of the same member id and key get none of acme's messages
 * (their streams are their own, numbered from 1), and the history store holds each tenant's entries apart.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StandaloneTenantStreamsIT {
    private static final String ACME = "acme";
    private static final String BETA = "beta";
    private static final String ROOM = "live://t";

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;
    private StandaloneServer server;

    @BeforeEach
    void start() throws Exception {
        fixture = StandaloneWithClients.in(dir).logic(
                "tenants: {declared: [" + ACME + ", " + BETA + "]}",
                "history:",
                "  members: {size: 100, ttl: \"1h\"}",
                "  broadcast: {size: 100, ttl: \"1h\"}").start();
        server = fixture.server();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static byte[] token(String tenant, long mid, String key) {
        return ("{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"" + ROOM
                + "\",\"platform\":\"test\",\"accepts\":[1000]"
                + (tenant.isEmpty() ? "" : ",\"tenant\":\"" + tenant + "\"") + "}").getBytes(StandardCharsets.UTF_8);
    }

    private JgoimClient device(String tenant, long mid, String key, List<StreamPosition> resumeFrom,
                               Publications listener) throws Exception {
        return fixture.connect(fixture.client(Transport.TCP).token(token(tenant, mid, key))
                .heartbeatInterval(Duration.ofSeconds(5)).positions(true).ackInterval(Duration.ofMillis(200))
                .resumeFrom(resumeFrom).listener(listener));
    }

    private void push(String tenant, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.api() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (!tenant.isEmpty()) {
            b.header("X-Jgoim-Tenant", tenant);
        }
        HttpResponse<String> r = Pushes.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private List<String> entries(String stream) {
        HistoryStore.Slice s = server.history().read(stream, 0, 1000, false).join();
        List<String> out = new ArrayList<>();
        for (byte[] e : s.entries()) {
            out.add(new String(e, 16, e.length - 16, StandardCharsets.UTF_8)); // the goim frame's body
        }
        return out;
    }

    @Test
    void shouldResumeATenantsMemberAndBroadcastStreamsWithNoGapAndNeverCrossTenants() throws Exception {
        String member = StreamPosition.memberStream(ACME, 7);
        String broadcast = StreamPosition.broadcastStream(ACME);
        assertThat(member).isEqualTo(ACME + Tenancy.SEPARATOR + "mid:7");
        Publications acme = new Publications();
        Publications dflt = new Publications();
        Publications beta = new Publications();
        JgoimClient a = device(ACME, 7, "phone", List.of(), acme);
        device("", 7, "phone", List.of(), dflt);
        device(BETA, 7, "phone", List.of(), beta);

        push(ACME, "/goim/push/mids?operation=1000&mids=7", "acme|m|1");
        push(ACME, "/goim/push/keys?operation=1000&keys=phone", "acme|k|1"); // sequenced in its member's stream
        push(ACME, "/goim/push/all?operation=1000", "acme|b|1");
        await().atMost(Duration.ofSeconds(10)).until(() -> acme.bodies(member).size() == 2
                && acme.bodies(broadcast).size() == 1);
        assertThat(acme.bodies(member)).containsExactly("acme|m|1", "acme|k|1");
        assertThat(acme.offsets(member)).containsExactly(1L, 2L);
        assertThat(acme.offsets(broadcast)).containsExactly(1L);
        List<StreamPosition> kept = a.positions(); // what the app stores before it goes away
        assertThat(kept).extracting(StreamPosition::stream).contains(member, broadcast);
        a.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.comet().index().sessionCount() == 2);

        // While acme's device is away: its tenant's pushes, and the other tenants' pushes to the same mid and key.
        for (int i = 2; i <= 4; i++) {
            push(ACME, "/goim/push/mids?operation=1000&mids=7", "acme|m|" + i);
            push(ACME, "/goim/push/all?operation=1000", "acme|b|" + i);
            push("", "/goim/push/mids?operation=1000&mids=7", "default|m|" + i);
            push("", "/goim/push/all?operation=1000", "default|b|" + i);
            push(BETA, "/goim/push/mids?operation=1000&mids=7", "beta|m|" + i);
        }

        Publications back = new Publications();
        device(ACME, 7, "phone", kept, back);
        await().atMost(Duration.ofSeconds(20)).until(() -> back.bodies(member).size() == 3
                && back.bodies(broadcast).size() == 3);
        assertThat(back.bodies(member)).containsExactly("acme|m|2", "acme|m|3", "acme|m|4");
        assertThat(back.offsets(member)).containsExactly(3L, 4L, 5L);
        assertThat(back.bodies(broadcast)).containsExactly("acme|b|2", "acme|b|3", "acme|b|4");
        assertThat(back.offsets(broadcast)).containsExactly(2L, 3L, 4L);
        for (String stream : List.of(member, broadcast)) {
            StreamState s = back.lastState(stream);
            assertThat(s).as(stream).isNotNull();
            assertThat(s.asked()).isTrue();
            assertThat(s.recovered()).as(stream + " resumed with no gap").isTrue();
        }

        // The other tenants' sessions of member 7 / key phone: their own streams, none of acme's messages.
        await().atMost(Duration.ofSeconds(10)).until(() -> dflt.bodies("mid:7").size() == 3
                && dflt.bodies(StreamPosition.BROADCAST).size() == 3
                && beta.bodies(StreamPosition.memberStream(BETA, 7)).size() == 3);
        Thread.sleep(500); // anything that should not come would have come by now
        assertThat(dflt.bodies("mid:7")).containsExactly("default|m|2", "default|m|3", "default|m|4");
        assertThat(dflt.offsets("mid:7")).containsExactly(1L, 2L, 3L);
        assertThat(dflt.bodies(StreamPosition.BROADCAST)).containsExactly("default|b|2", "default|b|3",
                "default|b|4");
        assertThat(beta.bodies(StreamPosition.memberStream(BETA, 7))).containsExactly("beta|m|2", "beta|m|3",
                "beta|m|4");
        assertThat(beta.bodies(StreamPosition.broadcastStream(BETA))).isEmpty();
        for (Publications other : List.of(dflt, beta)) {
            assertThat(other.messages).noneMatch(m -> m.body().startsWith("acme|"));
        }
        assertThat(acme.messages).allMatch(m -> m.body().startsWith("acme|"));
        assertThat(back.messages).allMatch(m -> m.body().startsWith("acme|"));

        // The history store keeps each tenant's streams apart.
        assertThat(entries(member)).containsExactly("acme|m|1", "acme|k|1", "acme|m|2", "acme|m|3", "acme|m|4");
        assertThat(entries("mid:7")).containsExactly("default|m|2", "default|m|3", "default|m|4");
        assertThat(entries(broadcast)).containsExactly("acme|b|1", "acme|b|2", "acme|b|3", "acme|b|4");
        assertThat(entries(StreamPosition.BROADCAST)).containsExactly("default|b|2", "default|b|3", "default|b|4");
    }
}
