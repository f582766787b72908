package io.jgoim.server.cluster;

import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stores of a cluster fail under room and member pushes, with SDK clients with positions connected (TCP and
 * WebSocket, two comets, one job).
 *
 * <p>Redis killed and restarted empty: routes, registry and every stream's history are gone. What "0 accepted pushes
 * lost" can mean when history itself was lost: every push logic accepted (200) either reached every client entitled
 * to it, or that client was told EPOCH_CHANGED for the stream at a position that covers it - the push's position is
 * in an older epoch, or at or below the state's offset in the new one (member pushes accepted while the routes were
 * gone are in the new epoch's history but were never routed; the next push that reaches the client says where the
 * stream now is). Never a silent hole. Besides: every session is routable again within seconds (comets re-announce
 * their sessions when logic's store epoch changes) and no client is disconnected.
 *
 * <p>Kafka stopped and restarted: pushes are refused with 503 while it is down, and every accepted one reaches every
 * entitled client, in order, with no client disconnected. That the 503 comes within {@code kafka.sendTimeout} under
 * load is proven by logic's KafkaDownIT; here the longest is printed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RedisRestartIT {
    @RegisterExtension
    static final ClusterFixture CLUSTER = new ClusterFixture(Cluster.Options.of(2, 1));

    /** Clients spread over the comets: 2 rooms, one member per client, half TCP, half WebSocket. */
    private static List<StreamTracker> connect(String prefix, long firstMid, int count, Delivery delivery,
                                               List<JgoimClient> out) throws Exception {
        List<CometNode> comets = CLUSTER.cluster().comets();
        List<StreamTracker> trackers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long mid = firstMid + i;
            Transport t = i % 2 == 0 ? Transport.TCP : Transport.WEBSOCKET;
            CometNode home = comets.get(i % comets.size());
            String room = "live://" + prefix + "-" + (i % 2);
            StreamTracker tracker = new StreamTracker(prefix + i, room, mid, delivery);
            trackers.add(tracker);
            out.add(CLUSTER.fleet().build(new Fleet.Spec(prefix + "-" + mid, mid, room, t,
                    List.of(t == Transport.TCP ? home.tcp() : home.ws()), true), tracker));
        }
        Fleet.connectAll(out, 20, Duration.ofSeconds(30));
        return trackers;
    }

    private static List<String> rooms(List<StreamTracker> trackers) {
        return trackers.stream().map(StreamTracker::room).distinct().toList();
    }

    @Test
    void shouldTellEveryClientOfWhatRedisLostAndRouteEverySessionAgainWithoutDisconnecting() throws Exception {
        Delivery delivery = new Delivery();
        List<JgoimClient> clients = new ArrayList<>();
        List<StreamTracker> trackers = connect("redis", 30_000, 20, delivery, clients);
        List<String> rooms = rooms(trackers);
        List<Long> mids = trackers.stream().map(StreamTracker::mid).toList();
        Pusher pusher = new Pusher(CLUSTER.cluster().api(), rooms, mids, 0.5, 32);
        for (String room : rooms) {
            assertThat(pusher.push(room).status()).isEqualTo(200);
        }
        for (long mid : mids) {
            assertThat(pusher.push("mid:" + mid).routed()).isEqualTo(1);
        }
        pusher.start(100);
        Thread.sleep(2_000);

        CLUSTER.cluster().restartRedisEmpty();
        long restarted = System.nanoTime();
        // Every member routable again: a push by mid finds its session.
        Map<Long, Long> routableAfterMillis = new HashMap<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (long mid : mids) {
                if (!routableAfterMillis.containsKey(mid) && pusher.push("mid:" + mid).routed() > 0) {
                    routableAfterMillis.put(mid, (System.nanoTime() - restarted) / 1_000_000);
                }
            }
            return routableAfterMillis.size() == mids.size();
        });
        Thread.sleep(2_000);
        pusher.stop();
        // One more push per stream once everything is back: each client hears of its streams' new epochs.
        for (String room : rooms) {
            assertThat(pusher.push(room).status()).isEqualTo(200);
        }
        for (long mid : mids) {
            assertThat(pusher.push("mid:" + mid).routed()).isEqualTo(1);
        }
        Pusher.Ledger ledger = pusher.ledger();
        await().atMost(Duration.ofSeconds(30)).until(() -> uncovered(trackers, ledger, false).isEmpty());

        List<String> uncovered = uncovered(trackers, ledger, true);
        Reconciliation r = Reconciliation.of(trackers, ledger);
        long epochStates = trackers.stream().flatMap(t -> t.notRecovered().stream())
                .filter(s -> s.code() == ErrorCode.EPOCH_CHANGED.code()).count();
        System.out.printf("RedisRestartIT[redis]: %d pushes accepted, %d refused (503), %d unanswered; %s; "
                        + "%d EPOCH_CHANGED states; every member routable again after %d ms (max over members); "
                        + "job appends failed: %.0f%n", ledger.accepted(), ledger.refused(), ledger.uncertain(),
                r.summary(), epochStates,
                routableAfterMillis.values().stream().mapToLong(Long::longValue).max().orElse(-1),
                CLUSTER.cluster().jobs().stream().mapToDouble(JobNode::appendFailures).sum());
        uncovered.forEach(u -> System.out.println("RedisRestartIT: uncovered " + u));

        assertThat(uncovered).as("accepted pushes neither received nor covered by EPOCH_CHANGED").isEmpty();
        assertThat(r.violations()).as("order and duplicates").isEmpty();
        for (StreamTracker t : trackers) {
            for (String stream : new String[] {t.room(), t.memberStream()}) {
                assertThat(t.notRecovered()).as("%s told the epoch of %s changed", t.name(), stream)
                        .anyMatch(s -> s.stream().equals(stream) && s.code() == ErrorCode.EPOCH_CHANGED.code());
            }
            assertThat(t.notRecovered()).as(t.name()).allMatch(s -> s.code() == ErrorCode.EPOCH_CHANGED.code());
        }
        assertThat(clients).as("no client disconnected").allMatch(c -> c.reconnects() == 0
                && c.state() == ClientState.CONNECTED);
        clients.forEach(JgoimClient::close);
    }

    /**
     * The accepted pushes a client neither received nor was told it may have missed, described. Member pushes have
     * their position from logic's answer; room pushes are looked up in the stream's current history (the new epoch),
     * and one not there was in the lost epoch: covered by any EPOCH_CHANGED state the client got after it was
     * accepted.
     */
    private static List<String> uncovered(List<StreamTracker> trackers, Pusher.Ledger ledger, boolean describe)
            throws Exception {
        List<String> out = new ArrayList<>();
        Map<String, Map<Integer, StreamPosition>> roomPositions = new HashMap<>();
        for (StreamTracker t : trackers) {
            for (String stream : new String[] {t.room(), t.memberStream()}) {
                Pusher.Ledger.Stream pushed = ledger.stream(stream);
                BitSet missing = pushed.accepted();
                missing.andNot(t.received(stream));
                if (missing.isEmpty()) {
                    continue;
                }
                Map<Integer, StreamPosition> positions = stream.startsWith("mid:") ? null
                        : roomPositions.computeIfAbsent(stream, RedisRestartIT::historyPositions);
                for (int seq = missing.nextSetBit(0); seq >= 0; seq = missing.nextSetBit(seq + 1)) {
                    StreamPosition p = positions == null ? pushed.position(seq) : positions.get(seq);
                    if (!covered(t, stream, p, pushed.acceptedAt(seq))) {
                        out.add(t.name() + " " + stream + " #" + seq + " at " + p + " states " + t.states());
                        if (!describe) {
                            return out;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean covered(StreamTracker t, String stream, StreamPosition p, Long acceptedAt) {
        for (StreamTracker.TimedState ts : t.states()) {
            StreamState s = ts.state();
            if (!s.stream().equals(stream) || s.code() != ErrorCode.EPOCH_CHANGED.code()) {
                continue;
            }
            if (p != null && (p.epoch() < s.epoch() || (p.epoch() == s.epoch() && p.offset() <= s.offset()))) {
                return true;
            }
            if (p == null && acceptedAt != null && ts.nanos() > acceptedAt) {
                return true;
            }
        }
        return false;
    }

    /** The positions of a room's pushes in its current history, by the sequence number in their body. */
    private static Map<Integer, StreamPosition> historyPositions(String room) {
        Map<Integer, StreamPosition> out = new HashMap<>();
        try {
            HistoryStore.Slice slice = CLUSTER.cluster().history().read(room, 0, 10_000, false).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < slice.entries().size(); i++) {
                byte[] frame = slice.entries().get(i);
                String body = new String(frame, 16, frame.length - 16, StandardCharsets.UTF_8);
                out.put(Integer.parseInt(body.split("\\|")[1]),
                        new StreamPosition(room, slice.epoch(), slice.first() + i));
            }
        } catch (Exception e) {
            throw new AssertionError("cannot read the history of " + room, e);
        }
        return out;
    }

    @Test
    void shouldDeliverEveryAcceptedPushThroughAKafkaRestartWithoutDisconnecting() throws Exception {
        Delivery delivery = new Delivery();
        List<JgoimClient> clients = new ArrayList<>();
        List<StreamTracker> trackers = connect("kafka", 40_000, 10, delivery, clients);
        List<String> rooms = rooms(trackers);
        List<Long> mids = trackers.stream().map(StreamTracker::mid).toList();
        Pusher pusher = new Pusher(CLUSTER.cluster().api(), rooms, mids, 0.5, 64);
        pusher.start(50);
        Thread.sleep(2_000);
        CLUSTER.cluster().kafka().stop();
        Thread.sleep(4_000);
        CLUSTER.cluster().kafka().restart();
        Pusher.Ledger ledger = pusher.ledger();
        long before = ledger.accepted();
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.accepted() > before + 50);
        pusher.stop();

        await().atMost(Duration.ofSeconds(60)).until(() -> Reconciliation.of(trackers, ledger).missingCount() == 0);
        Reconciliation r = Reconciliation.of(trackers, ledger);
        System.out.printf("RedisRestartIT[kafka]: %d pushes accepted, %d refused (503, the longest after %d ms), "
                        + "%d unanswered; %s%n", ledger.accepted(), ledger.refused(), pusher.maxRefusalMillis(),
                ledger.uncertain(), r.summary());
        assertThat(ledger.refused()).as("refused while Kafka was down").isPositive();
        assertThat(ledger.uncertain()).as("every push answered").isZero();
        assertThat(r.missingCount()).as("accepted pushes lost").isZero();
        assertThat(r.violations()).as("order and duplicates").isEmpty();
        assertThat(r.notRecovered()).isEmpty();
        assertThat(clients).as("no client disconnected").allMatch(c -> c.reconnects() == 0
                && c.state() == ClientState.CONNECTED);
        clients.forEach(JgoimClient::close);
    }
}
