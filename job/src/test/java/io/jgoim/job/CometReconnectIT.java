package io.jgoim.job;

import io.jgoim.testkit.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A comet that stays registered but refuses job's connections for 45 s (a partition between the two, a load balancer
 * with no backend while the comet restarts), with pushes to it all along. gRPC's connection back-off grows to tens of
 * seconds over that time (×1.6 per failed attempt, up to 120 s), so without more job would try again only up to a
 * minute after the comet is back. With {@code PromptReconnect} every push is through within seconds of the return,
 * in order, none given up.
 */
class CometReconnectIT {
    private static final long AWAY_MILLIS = 45_000;

    private final JobWithComets fleet = new JobWithComets(Duration.ofMinutes(5));

    @AfterEach
    void stop() throws InterruptedException {
        fleet.close();
    }

    @Test
    @Timeout(150)
    void shouldReconnectWithinSecondsOfTheCometsReturnHoweverLongItWasAway() throws Exception {
        RecordingCometService comet = new RecordingCometService("c1");
        TcpProxy path = fleet.comets.serveBehindProxy(comet);
        JobServer job = fleet.start("JGOIM_BATCH_WINDOW", "2ms",
                "JGOIM_RETRY_MAX_ATTEMPTS", "1000000", "JGOIM_RETRY_BUDGET_RATIO", "10",
                "JGOIM_RETRY_MIN_RETRIES_PER_SECOND", "1000000", "JGOIM_COMET_THROTTLE_ENABLED", "false");
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add("before" + i);
            job.pushBus().publish("k", JobWithComets.broadcast("before" + i)).join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> comet.frameCount() == 5);

        path.reject();
        long awayUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAY_MILLIS);
        List<CompletableFuture<?>> published = new ArrayList<>();
        int i = 0;
        while (System.nanoTime() < awayUntil) {
            sent.add("away" + i);
            published.add(job.pushBus().publish("k", JobWithComets.broadcast("away" + i++)));
            Thread.sleep(500);
        }
        assertThat(comet.frameCount()).as("nothing reached the comet while it refused").isEqualTo(5);
        path.restore();
        long back = System.nanoTime();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> new HashSet<>(comet.bodies()).containsAll(sent));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
        System.out.printf("CometReconnectIT: away %d ms, every push through %d ms after the comet was back%n",
                AWAY_MILLIS, ms);
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(new ArrayList<>(new LinkedHashSet<>(comet.bodies()))).as("every push, in order").isEqualTo(sent);
        assertThat(fleet.pushFailures())
                .as("pushes given up").isZero();
        // PromptReconnect: a connection attempt every second; then the lane's retry back-off (500 ms at most).
        assertThat(ms).as("ms from the comet's return to the last push through").isLessThanOrEqualTo(5_000);
    }
}
