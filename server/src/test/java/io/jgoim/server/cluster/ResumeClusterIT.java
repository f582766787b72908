package io.jgoim.server.cluster;

import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.stream.StreamState;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream resume across comets in a real cluster (Redis history, Kafka, logic, job, two comets over gRPC): SDK clients
 * with positions (TCP and WebSocket) in a room and as members on comet A, pushes through logic's HTTP API before and
 * while A drains; A's goodbye hints name comet B, the clients reconnect there with their positions and are told
 * both streams recovered, and every accepted push reaches every client exactly once, at contiguous offsets. A goim
 * (ver 1) client beside them has no such guarantee (documented): it only has to keep working after its reconnect.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResumeClusterIT {
    @RegisterExtension
    static final ClusterFixture CLUSTER = new ClusterFixture(Cluster.Options.of(0, 1));

    /** {@code drain}: CometServer.drain at runtime; {@code stop}: the graceful close SIGTERM runs. */
    @ParameterizedTest
    @ValueSource(strings = {"drain", "stop"})
    void shouldMoveClientsToAnotherCometAndResumeEveryStreamExactlyOnce(String how) throws Exception {
        CometNode a = CLUSTER.cluster().addComet();
        CometNode b = CLUSTER.cluster().addComet();
        String room = "live://resume-" + how;
        long base = how.equals("drain") ? 100 : 200;
        Delivery delivery = new Delivery();
        List<StreamTracker> trackers = new ArrayList<>();
        List<JgoimClient> ver3 = new ArrayList<>();
        for (Transport t : new Transport[] {Transport.TCP, Transport.WEBSOCKET}) {
            long mid = base + trackers.size() + 1;
            StreamTracker tracker = new StreamTracker(t + "-" + mid, room, mid, delivery);
            trackers.add(tracker);
            ver3.add(CLUSTER.fleet().build(new Fleet.Spec("key-" + how + "-" + mid, mid, room, t, addresses(t, a, b), true),
                    tracker));
        }
        StreamTracker goimTracker = new StreamTracker("goim", room, base + 9, delivery);
        JgoimClient goim = CLUSTER.fleet().build(new Fleet.Spec("key-" + how + "-goim", base + 9, room, Transport.TCP,
                addresses(Transport.TCP, a, b), false), goimTracker);
        List<JgoimClient> all = new ArrayList<>(ver3);
        all.add(goim);
        Fleet.connectAll(all, 10, Duration.ofSeconds(20));

        List<Long> mids = trackers.stream().map(StreamTracker::mid).toList();
        Pusher pusher = new Pusher(CLUSTER.cluster().api(), List.of(room), mids, 0.5, 16);
        for (int i = 0; i < 3; i++) {
            assertThat(pusher.push(room).status()).isEqualTo(200);
            for (long mid : mids) {
                assertThat(pusher.push("mid:" + mid).status()).isEqualTo(200);
            }
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> trackers.stream().allMatch(t ->
                    t.received(room).cardinality() == 3 && t.received(t.memberStream()).cardinality() == 3));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder sb = new StringBuilder();
            for (StreamTracker t : trackers) {
                sb.append(t.name()).append(" room ").append(t.received(room)).append(" member ")
                        .append(t.received(t.memberStream())).append(" states ").append(t.states())
                        .append(" violations ").append(t.violations()).append('\n');
            }
            throw new AssertionError("warm-up pushes not received:\n" + sb, e);
        }

        // Pushes keep coming while A moves its clients away and after they landed on B.
        delivery.measuring(true);
        pusher.start(100);
        Thread.sleep(500);
        if (how.equals("drain")) {
            assertThat(a.server().drain(Duration.ofSeconds(3)).get(10, TimeUnit.SECONDS)).isZero();
        } else {
            CLUSTER.cluster().stopComet(a.id());
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> all.stream().allMatch(c ->
                    c.state() == ClientState.CONNECTED && c.reconnects() >= 1));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not all moved: " + CLUSTER.fleet().describe(), e);
        }
        Thread.sleep(1_000);
        pusher.stop();
        delivery.measuring(false);

        Pusher.Ledger ledger = pusher.ledger();
        assertThat(ledger.refused() + ledger.uncertain()).as("every push accepted").isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> Reconciliation.of(trackers, ledger).missingCount() == 0);
        Reconciliation r = Reconciliation.of(trackers, ledger);
        System.out.printf("ResumeClusterIT[%s]: %d pushes accepted; %s; %s; reconnects %s%n", how, ledger.accepted(),
                r.summary(), delivery.summary(), all.stream().map(JgoimClient::reconnects).toList());
        assertThat(r.violations()).as("order and duplicates").isEmpty();
        assertThat(r.notRecovered()).isEmpty();
        assertThat(r.missingCount()).isZero();
        assertThat(r.plain()).as("every message with its position").isZero();
        for (StreamTracker t : trackers) {
            String home = t.name().startsWith("TCP") ? a.tcp() : a.ws();
            String other = t.name().startsWith("TCP") ? b.tcp() : b.ws();
            // Moved to B by the hints; a later reconnect (a RESUME close on a slow box) stays on B.
            assertThat(t.nodes()).as(t.name()).startsWith(home, other).containsOnly(home, other)
                    .containsOnlyOnce(home);
            for (String stream : new String[] {room, t.memberStream()}) {
                assertThat(reconnectState(t, stream).recovered()).as("%s %s", t.name(), stream).isTrue();
            }
        }

        // The goim client got its plain close, reconnected through its own address list and still works.
        assertThat(goimTracker.nodes()).startsWith(a.tcp(), b.tcp()).containsOnlyOnce(a.tcp());
        int before = goimTracker.received(room).cardinality();
        Pusher.Answer after = pusher.push(room);
        assertThat(after.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> goimTracker.received(room).get(after.seq()));
        assertThat(goimTracker.received(room).cardinality()).isGreaterThan(before);
        assertThat(goimTracker.states()).isEmpty();

        for (JgoimClient c : all) {
            c.close();
        }
        CLUSTER.cluster().stopComet(a.id());
        CLUSTER.cluster().stopComet(b.id());
    }

    private static List<String> addresses(Transport t, CometNode... comets) {
        List<String> out = new ArrayList<>();
        for (CometNode c : comets) {
            out.add(t == Transport.TCP ? c.tcp() : c.ws());
        }
        return out;
    }

    /** The state the server reported for {@code stream} at the reconnect (asked set). */
    static StreamState reconnectState(StreamTracker t, String stream) {
        StreamState asked = null;
        for (StreamTracker.TimedState s : t.states()) {
            if (s.state().stream().equals(stream) && s.state().asked()) {
                asked = s.state();
            }
        }
        assertThat(asked).as("a resume state for %s in %s", stream, t.states()).isNotNull();
        return asked;
    }
}
