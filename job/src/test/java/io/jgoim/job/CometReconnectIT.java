package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.TcpProxy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    private final ServedComets comets = new ServedComets(nodes, Duration.ofMinutes(5));
    private JobServer job;

    @AfterEach
    void stop() throws InterruptedException {
        if (job != null) {
            job.close();
        }
        comets.close();
    }

    private static PushMsg broadcast(String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build();
    }

    @Test
    @Timeout(150)
    void shouldReconnectWithinSecondsOfTheCometsReturnHoweverLongItWasAway() throws Exception {
        RecordingCometService comet = new RecordingCometService("c1");
        TcpProxy path = comets.serveBehindProxy(comet);
        job = new JobServer(TestConfigs.config("JGOIM_BATCH_WINDOW", "2ms",
                "JGOIM_RETRY_MAX_ATTEMPTS", "1000000", "JGOIM_RETRY_BUDGET_RATIO", "10",
                "JGOIM_RETRY_MIN_RETRIES_PER_SECOND", "1000000", "JGOIM_COMET_THROTTLE_ENABLED", "false"), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)), registry);
        job.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add("before" + i);
            job.pushBus().publish("k", broadcast("before" + i)).join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> comet.frameCount() == 5);

        path.reject();
        long awayUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAY_MILLIS);
        List<CompletableFuture<?>> published = new ArrayList<>();
        int i = 0;
        while (System.nanoTime() < awayUntil) {
            sent.add("away" + i);
            published.add(job.pushBus().publish("k", broadcast("away" + i++)));
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
        assertThat(registry.find("jgoim.job.push.failures").counters().stream().mapToDouble(c -> c.count()).sum())
                .as("pushes given up").isZero();
        // PromptReconnect: a connection attempt every second; then the lane's retry back-off (500 ms at most).
        assertThat(ms).as("ms from the comet's return to the last push through").isLessThanOrEqualTo(5_000);
    }
}
