package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Room and broadcast pushes accepted while job knows no comet at all wait for one (in order) instead of going to no
 * comet; a wait that runs out counts them as sent nowhere and does not hold later pushes again until a comet appears.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitForCometsIT {
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    private final ServedComets comets = new ServedComets(nodes, Duration.ofMinutes(1));
    private JobServer job;

    @AfterEach
    void stop() throws InterruptedException {
        if (job != null) {
            job.close();
        }
        comets.close();
    }

    private void start(String wait) {
        job = new JobServer(TestConfigs.config("JGOIM_COMET_REGISTRY_REFRESH", "100ms", "JGOIM_BATCH_WINDOW", "2ms",
                "JGOIM_DISPATCH_LANES", "1", "JGOIM_COMET_WAIT_FOR_COMETS", wait), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)), meters);
        job.start();
    }

    private void room(String body) {
        job.pushBus().publish("live://1", PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000)
                .setRoom("live://1").setMsg(ByteString.copyFromUtf8(body)).build()).join();
    }

    private void broadcast(String body) {
        job.pushBus().publish("", PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build()).join();
    }

    private double noTarget(String type) {
        Counter c = meters.find("jgoim.job.push.no_target").tags("type", type).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void shouldHoldPushesInOrderUntilTheFirstCometRegisters() throws Exception {
        start("20s");
        for (int i = 0; i < 5; i++) {
            room("r" + i);
        }
        broadcast("b0");
        room("r5");
        Thread.sleep(1_000);
        assertThat(meters.get("jgoim.job.push.waits").tags("reason", "no_comets").counter().count()).isEqualTo(1.0);
        RecordingCometService late = new RecordingCometService("late");
        comets.serve(late);
        await().atMost(Duration.ofSeconds(15)).until(() -> late.frameCount() == 7);
        // Order holds per stream (room messages are batched, a broadcast is its own stream).
        assertThat(late.roomBodies("live://1")).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
        assertThat(late.bodies()).contains("b0");
        assertThat(noTarget("room")).isZero();
        assertThat(noTarget("broadcast")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> job.metrics().inFlight().get() == 0);
    }

    @Test
    void shouldCountPushesAsSentNowhereOnceTheWaitRunsOutAndNotWaitAgainUntilACometAppears() throws Exception {
        start("500ms");
        room("lost-0");
        await().atMost(Duration.ofSeconds(10)).until(() -> noTarget("room") == 1.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> job.metrics().inFlight().get() == 0);
        long start = System.nanoTime();
        room("lost-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> noTarget("room") == 2.0);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no second wait").isLessThan(450);
        assertThat(meters.get("jgoim.job.push.waits").tags("reason", "no_comets").counter().count()).isEqualTo(1.0);

        RecordingCometService c = new RecordingCometService("c");
        comets.serve(c);
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        room("delivered");
        await().atMost(Duration.ofSeconds(10)).until(() -> c.frameCount() == 1);
        assertThat(c.bodies()).containsExactly("delivered");
    }
}
