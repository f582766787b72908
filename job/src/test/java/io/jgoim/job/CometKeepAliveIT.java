package io.jgoim.job;

import io.jgoim.testkit.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * job's connection to a comet forgotten by the network between them (a NAT or firewall whose state for it expired:
 * its packets dropped, nothing closed; new connections work): without keepalive every call to that comet would wait
 * out its deadline on the dead connection for as long as the kernel keeps it. With {@code comet.keepAlive} the
 * unanswered ping gives the connection up, the next attempt opens a new one, and every push gets through, in order.
 */
class CometKeepAliveIT {
    private final JobWithComets fleet = new JobWithComets(Duration.ofMinutes(1));

    @AfterEach
    void stop() throws InterruptedException {
        fleet.close();
    }

    @Test
    void shouldGiveUpAForgottenConnectionAndDeliverEveryPushOverANewOne() throws Exception {
        RecordingCometService comet = new RecordingCometService("c1");
        TcpProxy path = fleet.comets.serveBehindProxy(comet);
        JobServer job = fleet.start("JGOIM_COMET_REGISTRY_REFRESH", "100ms", "JGOIM_BATCH_WINDOW", "2ms",
                "JGOIM_COMET_KEEP_ALIVE", "10s", "JGOIM_COMET_KEEP_ALIVE_TIMEOUT", "1s",
                "JGOIM_RETRY_MAX_ATTEMPTS", "1000000", "JGOIM_RETRY_BUDGET_RATIO", "10",
                "JGOIM_RETRY_MIN_RETRIES_PER_SECOND", "1000000", "JGOIM_COMET_THROTTLE_ENABLED", "false");
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add("before" + i);
            job.pushBus().publish("k", JobWithComets.broadcast("before" + i)).join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> comet.frameCount() == 10);

        path.forget();
        long forgotten = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            sent.add("after" + i);
            job.pushBus().publish("k", JobWithComets.broadcast("after" + i)).join();
        }
        // keepAlive (10 s, gRPC's floor) + its timeout (1 s) + one call deadline (2 s), and some room.
        await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(comet.bodies()).containsAll(sent));
        System.out.printf("CometKeepAliveIT: every push through after %d ms on a new connection; %d calls tried%n",
                (System.nanoTime() - forgotten) / 1_000_000, comet.attempts());
        List<String> distinctInOrder = new ArrayList<>(new java.util.LinkedHashSet<>(comet.bodies()));
        assertThat(distinctInOrder).as("every push, in order").isEqualTo(sent);
        assertThat(fleet.pushFailures())
                .as("pushes given up").isZero();
    }
}
