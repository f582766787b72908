package io.jgoim.server.cluster;

import io.jgoim.client.ClientState;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.CloseCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis frozen, not dead (SIGSTOP, then SIGCONT): a hung host, a fork stalling on a slow disk. Unlike a crash its
 * connections stay open and take bytes, every command times out, and after the thaw Redis carries out all it read,
 * late: history appends job gave up on land after all, route writes logic gave up on land out of order with newer
 * ones. Room and member pushes run throughout to SDK clients with positions on two comets (TCP and WebSocket).
 *
 * <p>What must hold: every push is answered (accepted, or refused with a documented code); every accepted push
 * reaches every entitled client exactly once at contiguous positions, or the client is told what it may have missed
 * (a timed-out append that landed anyway must not become a duplicate or a hole); no client is disconnected; every
 * member is routable again soon after the thaw.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RedisFreezeIT {
    @RegisterExtension
    static final ClusterFixture CLUSTER = new ClusterFixture(Cluster.Options.of(2, 1));

    @Test
    void shouldAnswerEveryPushAndDeliverEveryAcceptedOneThroughAFrozenRedis() throws Exception {
        Cluster cluster = CLUSTER.cluster();
        Fleet fleet = CLUSTER.fleet();
        Delivery delivery = new Delivery();
        List<JgoimClient> clients = new ArrayList<>();
        List<CometNode> comets = cluster.comets();
        List<StreamTracker> trackers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long mid = 50_000 + i;
            Transport t = i % 2 == 0 ? Transport.TCP : Transport.WEBSOCKET;
            CometNode home = comets.get(i % comets.size());
            StreamTracker tracker = new StreamTracker("freeze" + i, "live://freeze-" + (i % 2), mid, delivery);
            trackers.add(tracker);
            clients.add(fleet.build(new Fleet.Spec("freeze-" + mid, mid, tracker.room(), t,
                    List.of(t == Transport.TCP ? home.tcp() : home.ws()), true), tracker));
        }
        Fleet.connectAll(clients, 20, Duration.ofSeconds(30));
        List<String> rooms = trackers.stream().map(StreamTracker::room).distinct().toList();
        List<Long> mids = trackers.stream().map(StreamTracker::mid).toList();
        Pusher pusher = new Pusher(cluster.api(), rooms, mids, 0.5, 64);
        pusher.start(50);
        Thread.sleep(2_000);

        cluster.redis().pause();
        Thread.sleep(1_000);
        // A device that connects while Redis is frozen: its auth cannot write its route, so it is refused with a
        // reconnect code and comes back, in again once Redis is.
        long lateMid = 50_100;
        StreamTracker lateTracker = new StreamTracker("late", rooms.get(0), lateMid, delivery);
        JgoimClient late = fleet.build(new Fleet.Spec("freeze-" + lateMid, lateMid, rooms.get(0), Transport.TCP,
                List.of(comets.get(0).tcp()), true), lateTracker);
        CompletableFuture<Void> lateConnected = late.connect();
        Thread.sleep(5_000);
        boolean lateInWhileFrozen = lateConnected.isDone();
        CloseStatus lateRefusal = late.lastClose();
        cluster.redis().resume();
        long thawed = System.nanoTime();
        Pusher.Ledger ledger = pusher.ledger();
        long before = ledger.accepted();
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.accepted() > before + 100);
        pusher.stop();

        long routableAfter = -1;
        for (long mid : mids) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pusher.push("mid:" + mid).routed() == 1);
            routableAfter = Math.max(routableAfter, (System.nanoTime() - thawed) / 1_000_000);
        }
        lateConnected.get(30, TimeUnit.SECONDS);
        long lateInAfter = (System.nanoTime() - thawed) / 1_000_000;
        await().atMost(Duration.ofSeconds(60)).until(() -> Reconciliation.of(trackers, ledger).missingCount() == 0);
        Reconciliation r = Reconciliation.of(trackers, ledger);
        System.out.printf("RedisFreezeIT: %d pushes accepted, %d refused (the longest after %d ms), %d unanswered; "
                        + "%s; every member routable %d ms after the thaw; job appends failed: %.0f; a connect while frozen: "
                        + "%s, then in by %d ms after the thaw%n",
                ledger.accepted(), ledger.refused(), pusher.maxRefusalMillis(), ledger.uncertain(), r.summary(),
                routableAfter, cluster.jobs().stream().mapToDouble(JobNode::appendFailures).sum(), lateRefusal,
                lateInAfter);
        r.missing().forEach(m -> System.out.println("RedisFreezeIT: missing " + m));
        r.violations().forEach(v -> System.out.println("RedisFreezeIT: violation " + v));
        r.notRecovered().forEach(v -> System.out.println("RedisFreezeIT: not recovered " + v));

        assertThat(ledger.refused()).as("pushes refused while Redis was frozen").isPositive();
        assertThat(ledger.uncertain()).as("every push answered").isZero();
        assertThat(r.missingCount()).as("accepted pushes lost").isZero();
        assertThat(r.violations()).as("order and duplicates").isEmpty();
        assertThat(r.notRecovered()).isEmpty();
        assertThat(lateInWhileFrozen).as("a session admitted while its route could not be written").isFalse();
        assertThat(lateRefusal).as("the refusal while frozen").isNotNull();
        assertThat(lateRefusal.code()).as("the refusal's code, " + lateRefusal)
                .isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
        assertThat(late.state()).isEqualTo(ClientState.CONNECTED);
        late.close();
        assertThat(clients).as("no client disconnected").allMatch(c -> c.reconnects() == 0
                && c.state() == ClientState.CONNECTED);
        clients.forEach(JgoimClient::close);
    }
}
