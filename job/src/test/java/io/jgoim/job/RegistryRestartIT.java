package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.comet.RegistryCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node registry's Redis restarts empty (SIGKILL, then a fresh server with no data) while room pushes flow: job
 * keeps pushing to the comets it knew until they re-register, so no accepted room push goes to no comet; and a
 * registry that stays empty past comet.emptyRegistryGrace is applied: the comets that no longer answer are dropped,
 * those that do are kept (their entries lapsed, not their lives).
 */
@Tag("redis")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RegistryRestartIT {
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private RedisServer redis;
    private RedisClients clients;
    private RedisNodeRegistry nodes;
    private ServedComets comets;
    private JobServer job;

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
        clients = RedisClients.connect(List.of(redis.uri()), false, Duration.ofMillis(500), 10_000);
        nodes = new RedisNodeRegistry(clients);
        comets = new ServedComets(nodes, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (job != null) {
            job.close();
        }
        comets.close();
        clients.close();
        redis.close();
    }

    private void start(String grace) {
        job = new JobServer(TestConfigs.config("JGOIM_COMET_REGISTRY_REFRESH", "100ms", "JGOIM_BATCH_WINDOW", "2ms",
                "JGOIM_COMET_EMPTY_REGISTRY_GRACE", grace), nodes, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                meters);
        job.start();
    }

    private void room(int n) {
        job.pushBus().publish("live://1", PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000)
                .setRoom("live://1").setMsg(ByteString.copyFromUtf8("m" + n)).build()).join();
    }

    private double kept() {
        return meters.get("jgoim.job.registry.empty.kept.comets").gauge().value();
    }

    @Test
    void shouldKeepPushingToKnownCometsWhileTheRegistryRestartsEmpty() throws Exception {
        RecordingCometService a = new RecordingCometService("a");
        RecordingCometService b = new RecordingCometService("b");
        NodeInfo infoA = comets.serve(a).info();
        NodeInfo infoB = comets.serve(b).info();
        start("30s");
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 2);
        assertThat(kept()).isZero();

        int total = 0;
        for (; total < 20; total++) {
            room(total);
            Thread.sleep(20);
        }
        redis.restart();
        // Pushes keep coming while the registry is first down, then up and empty (comets refresh every few s).
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
            room(total++);
            Thread.sleep(20);
        }
        assertThat(nodes.nodes().get(5, TimeUnit.SECONDS)).as("the restarted registry is empty").isEmpty();
        assertThat(kept()).isEqualTo(2.0);
        assertThat(job.comets().comets()).hasSize(2);
        // The comets' next refreshes put them back, one at a time: while only a is back, b is still kept (it has
        // not re-registered yet; before, it "left" here and the pushes queued for it were given up).
        nodes.register(infoA, Duration.ofSeconds(15)).join();
        ((RegistryCometDirectory) job.comets()).refresh();
        assertThat(job.comets().comets()).hasSize(2);
        assertThat(kept()).isEqualTo(1.0);
        room(total++);
        nodes.register(infoB, Duration.ofSeconds(15)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> kept() == 0.0);
        for (int i = 0; i < 10; i++) {
            room(total++);
        }
        final int expected = total;
        await().atMost(Duration.ofSeconds(20)).until(() -> a.frameCount() == expected && b.frameCount() == expected);
        assertThat(a.roomBodies("live://1")).hasSize(expected).doesNotHaveDuplicates();
        assertThat(b.roomBodies("live://1")).hasSize(expected).doesNotHaveDuplicates();
        assertThat(meters.get("jgoim.job.push.no_target").tags("type", "room").counter().count()).isZero();
    }

    @Test
    void shouldApplyARegistryThatStaysEmptyPastTheGraceKeepingOnlyTheCometsThatStillAnswer() throws Exception {
        ServedComets.Served gone = comets.serve(new RecordingCometService("gone"));
        comets.serve(new RecordingCometService("alive"));
        start("400ms");
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 2);
        redis.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> kept() == 2.0);
        gone.server().shutdownNow(); // this one really left
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        assertThat(job.comets().comet("alive")).as("the comet that still answers").isNotNull();
        assertThat(kept()).isZero();
        assertThat(meters.get("jgoim.job.registry.unlisted.kept.comets").gauge().value()).isEqualTo(1.0);
    }
}
