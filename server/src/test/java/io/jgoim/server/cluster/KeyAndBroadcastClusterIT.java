package io.jgoim.server.cluster;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Key pushes and broadcasts as streams in a real cluster (Redis history and session directory, Kafka, logic, job,
 * two comets over gRPC) while comet A drains: member 601 has device "a" on comet A and device "b" on comet B, both
 * with positions. Key pushes to "a" reach "a" only (at their member-stream positions, "b" skipping them without a
 * gap), broadcasts reach both, a broadcast of an op they do not watch reaches neither, and device "a", moved to B by
 * the drain, resumes both streams with nothing lost and nothing twice (key pushes sent while it was between the two
 * comets included: its key's member is kept after its session ended).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeyAndBroadcastClusterIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final ClusterFixture CLUSTER = new ClusterFixture(Cluster.Options.of(0, 1));

    /** Every publication a client got, and every stream state. */
    static final class Recorder implements ClientListener {
        record Pub(String stream, long offset, int op, String body) {
        }

        final List<Pub> pubs = new CopyOnWriteArrayList<>();
        final List<StreamState> states = new CopyOnWriteArrayList<>();
        final List<String> plain = new CopyOnWriteArrayList<>();

        @Override
        public void onPublication(JgoimClient client, String stream, long epoch, long offset, int op, ByteBuf body) {
            pubs.add(new Pub(stream, offset, op, body.toString(StandardCharsets.UTF_8)));
        }

        @Override
        public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
            plain.add(body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onStreamState(JgoimClient client, StreamState state) {
            states.add(state);
        }

        List<String> bodies(String stream) {
            return pubs.stream().filter(p -> p.stream().equals(stream)).map(Pub::body).toList();
        }

        List<Long> offsets(String stream) {
            return pubs.stream().filter(p -> p.stream().equals(stream)).map(Pub::offset).toList();
        }
    }

    private static HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(CLUSTER.cluster().api() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldKeepKeyPushesAndBroadcastsExactlyOnceAcrossADrain() throws Exception {
        CometNode a = CLUSTER.cluster().addComet();
        CometNode b = CLUSTER.cluster().addComet();
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        JgoimClient ca = CLUSTER.fleet().build(new Fleet.Spec("dev-a-601", 601, "", Transport.TCP, List.of(a.tcp(), b.tcp()),
                true), ra);
        JgoimClient cb = CLUSTER.fleet().build(new Fleet.Spec("dev-b-601", 601, "", Transport.TCP, List.of(b.tcp()), true),
                rb);
        Fleet.connectAll(List.of(ca, cb), 2, Duration.ofSeconds(20));

        List<String> keyPushes = new ArrayList<>(); // the ones logic sequenced (answered with a position)
        List<String> lost = new ArrayList<>();      // answered without a position: not kept for device a
        List<String> broadcasts = new ArrayList<>();
        Thread drain = null;
        for (int i = 0; i < 40; i++) {
            String k = "ka-" + i;
            HttpResponse<String> r = post("/goim/push/keys?operation=1000&keys=dev-a-601", k);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            (r.body().contains("\"positions\"") ? keyPushes : lost).add(k);
            String bc = "bc-" + i;
            assertThat(post("/goim/push/all?operation=1000", bc).statusCode()).isEqualTo(200);
            broadcasts.add(bc);
            if (i % 5 == 0) {
                assertThat(post("/goim/push/all?operation=1001", "unwatched-" + i).statusCode()).isEqualTo(200);
            }
            if (i == 10) {
                drain = new Thread(() -> a.server().drain(Duration.ofSeconds(2)).join());
                drain.start();
            }
            Thread.sleep(60);
        }
        drain.join(15_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> ca.state() == ClientState.CONNECTED
                && ca.reconnects() >= 1);
        // pushes after the move
        HttpResponse<String> last = post("/goim/push/keys?operation=1000&keys=dev-a-601", "ka-last");
        assertThat(last.body()).contains("\"positions\"");
        keyPushes.add("ka-last");
        assertThat(post("/goim/push/all?operation=1000", "bc-last").statusCode()).isEqualTo(200);
        broadcasts.add("bc-last");

        await().atMost(Duration.ofSeconds(30)).until(() -> ra.bodies("mid:601").size() >= keyPushes.size()
                && ra.bodies("broadcast").size() >= broadcasts.size()
                && rb.bodies("broadcast").size() >= broadcasts.size());
        Thread.sleep(500);
        System.out.printf("KeyAndBroadcastClusterIT: %d key pushes sequenced, %d not kept, %d broadcasts; "
                + "a reconnects %d%n", keyPushes.size(), lost.size(), broadcasts.size(), ca.reconnects());
        assertThat(lost).as("a key push to a device between comets is kept for its resume").isEmpty();
        assertThat(ra.bodies("mid:601")).as("a's key pushes, each once, in order").containsExactlyElementsOf(
                keyPushes);
        assertThat(ra.bodies("broadcast")).containsExactlyElementsOf(broadcasts);
        assertThat(rb.bodies("broadcast")).containsExactlyElementsOf(broadcasts);
        assertThat(rb.bodies("mid:601")).as("b gets none of a's key pushes").isEmpty();
        for (Recorder r : List.of(ra, rb)) {
            assertThat(r.plain).as("nothing without a position").isEmpty();
            for (String s : List.of("mid:601", "broadcast")) {
                List<Long> offs = r.offsets(s);
                for (int i = 1; i < offs.size(); i++) {
                    assertThat(offs.get(i)).as("%s offsets %s", s, offs).isGreaterThan(offs.get(i - 1));
                }
            }
        }
        // b was never told of a gap; a was told both streams recovered when it moved
        assertThat(rb.states).allSatisfy(st -> assertThat(st.code()).as("%s", st).isZero());
        assertThat(ra.states).filteredOn(StreamState::asked).extracting(StreamState::stream)
                .contains("mid:601", "broadcast");
        assertThat(ra.states).filteredOn(StreamState::asked).allSatisfy(st -> assertThat(st.recovered())
                .as("%s", st).isTrue());
        ca.close();
        cb.close();
        CLUSTER.cluster().stopComet(a.id());
        CLUSTER.cluster().stopComet(b.id());
    }
}
