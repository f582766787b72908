package io.jgoim.server.cluster;

import io.jgoim.comet.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A comet that just started is one every job pushes to: a goim client that authenticates on it the moment it takes
 * clients, then gets a room push and a member push accepted right after its auth reply, receives both. Job re-reads
 * the node registry only every {@code comet.registryRefresh} (5 s here); without the comet's join (it opens its
 * listeners once every job's reported view holds it) the pushes go out while job still lists no such comet: the
 * room batch skips it and the member push finds no target, and the client never gets them (checked with
 * {@code registry.joinTimeout: 0s}: a round fails unless a job read happens to fall between the comet's start and the
 * pushes, so three rounds).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CometJoinIT {
    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldDeliverToAGoimClientOfACometThatJustStarted(@TempDir Path dir) throws Exception {
        cluster = Cluster.start(dir, Cluster.Options.of(1, 1).jobRegistryRefresh(Duration.ofSeconds(5))
                .cometJoinTimeout(Duration.ofSeconds(10)));
        Pusher pusher = new Pusher(cluster.api(), List.of(), List.of(), 0, 1);
        for (int round = 1; round <= 3; round++) {
            String room = "live://join-" + round;
            long mid = 900 + round;
            long started = System.nanoTime();
            CometNode comet = cluster.addCometAsIs();
            long startMillis = (System.nanoTime() - started) / 1_000_000;
            try (TestClient c = TestClient.connect(TestClient.Mode.TCP, comet.server().tcpAddress(), "/sub")) {
                c.auth(1, "{\"mid\":" + mid + ",\"key\":\"join-" + round + "\",\"room_id\":\"" + room
                        + "\",\"platform\":\"test\",\"accepts\":[1000]}");
                byte[] reply = c.next(10_000);
                assertThat(reply).as("auth reply").isNotNull();
                assertThat(TestClient.op(reply)).isEqualTo(8);

                Pusher.Answer roomPush = pusher.push(room);
                Pusher.Answer memberPush = pusher.push("mid:" + mid);
                assertThat(roomPush.status()).isEqualTo(200);
                assertThat(memberPush.status()).isEqualTo(200);

                Set<String> expected = Set.of(room + "|" + roomPush.seq(), "mid:" + mid + "|" + memberPush.seq());
                Set<String> got = new HashSet<>();
                long deadline = System.currentTimeMillis() + 8_000;
                while (!got.containsAll(expected) && System.currentTimeMillis() < deadline) {
                    byte[] f = c.next(500);
                    if (f != null && TestClient.op(f) == 1000) {
                        String body = TestClient.body(f);
                        got.add(body.substring(0, body.lastIndexOf('|')));
                    }
                }
                System.out.printf("CometJoinIT: round %d, %s started in %d ms, received %s%n", round, comet.id(),
                        startMillis, got);
                assertThat(got).as("pushes to a goim client of %s accepted right after its auth", comet.id())
                        .containsAll(expected);
            }
        }
    }
}
