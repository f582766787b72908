package io.jgoim.server.cluster;

import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A comet cut from Redis alone (its clients, logic and job still reach it): its registry entry expires after its
 * ttl. Its sessions must not go silently deaf: every accepted push still reaches every client, on that comet or
 * after they moved.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CometRedisLossIT {
    @RegisterExtension
    static final ClusterFixture CLUSTER = new ClusterFixture(Cluster.Options.of(2, 1));

    @Test
    void shouldKeepDeliveringToTheSessionsOfACometThatLostRedis() throws Exception {
        Cluster cluster = CLUSTER.cluster();
        Fleet fleet = CLUSTER.fleet();
        List<CometNode> comets = cluster.comets();
        CometNode cut = comets.get(0);
        Delivery delivery = new Delivery();
        List<JgoimClient> clients = new ArrayList<>();
        List<StreamTracker> trackers = new ArrayList<>();
        String room = "live://redis-loss";
        for (int i = 0; i < 8; i++) {
            long mid = 70_000 + i;
            Transport t = i % 4 < 2 ? Transport.TCP : Transport.WEBSOCKET;
            CometNode home = comets.get(i % 2);
            CometNode other = comets.get((i + 1) % 2);
            StreamTracker tracker = new StreamTracker("c" + i + "@" + home.id(), room, mid, delivery);
            trackers.add(tracker);
            clients.add(fleet.build(new Fleet.Spec("rl-" + mid, mid, room, t, t == Transport.TCP
                    ? List.of(home.tcp(), other.tcp()) : List.of(home.ws(), other.ws()), true), tracker));
        }
        Fleet.connectAll(clients, 8, Duration.ofSeconds(30));
        List<Long> mids = trackers.stream().map(StreamTracker::mid).toList();
        Pusher pusher = new Pusher(cluster.api(), List.of(room), mids, 0.5, 64);
        pusher.start(20);
        Thread.sleep(2_000);
        cut.loseRedis();
        Thread.sleep(25_000); // past the entry's 15 s ttl
        Pusher.Ledger ledger = pusher.ledger();
        pusher.stop();
        await().atMost(Duration.ofSeconds(60)).until(() -> Reconciliation.of(trackers, ledger).missingCount() == 0);
        Reconciliation r = Reconciliation.of(trackers, ledger);
        System.out.printf("CometRedisLossIT: %d accepted, %d refused, %d unanswered; %s; reconnects %s%n",
                ledger.accepted(), ledger.refused(), ledger.uncertain(), r.summary(),
                clients.stream().map(JgoimClient::reconnects).toList());
        assertThat(r.missingCount()).isZero();
        assertThat(r.violations()).isEmpty();
        assertThat(clients).allMatch(c -> c.state() == ClientState.CONNECTED);
        clients.forEach(JgoimClient::close);
    }
}
