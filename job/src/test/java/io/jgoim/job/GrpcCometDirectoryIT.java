package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cluster path: comets found in the node registry, reached over real gRPC (Netty, port 0), live join/leave. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcCometDirectoryIT {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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

    private JobServer start(String... overrides) {
        List<String> env = new ArrayList<>(List.of("JGOIM_COMET_REGISTRY_REFRESH", "100ms",
                "JGOIM_COMET_FILTER_ROOMS", "true", "JGOIM_BATCH_WINDOW", "2ms"));
        env.addAll(List.of(overrides));
        job = new JobServer(TestConfigs.config(env.toArray(new String[0])), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)), registry);
        job.start();
        return job;
    }

    private void publish(String key, PushMsg m) {
        job.pushBus().publish(key, m).join();
    }

    private static PushMsg broadcast(String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build();
    }

    @Test
    void shouldPushOverGrpcAndFollowCometsJoiningAndLeaving() throws Exception {
        RecordingCometService g1 = new RecordingCometService("g1").rooms(Set.of("live://1"));
        RecordingCometService g2 = new RecordingCometService("g2").rooms(Set.of("live://2"));
        comets.serve(g1);
        ServedComets.Served servedG2 = comets.serve(g2);
        // Room lists are polled on demand only here: a background poll that outlasts the call deadline (a loaded
        // machine) would make both comets' rooms unknown again, and then every room push goes to both.
        start("JGOIM_COMET_ROOMS_REFRESH", "1h");
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 2);
        // Until a poll answered in time a comet's rooms are unknown and it gets every room push (never lose one);
        // on a loaded machine the first poll can outlast the call deadline, so wait until both lists are known.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            job.comets().refreshRooms().get(5, TimeUnit.SECONDS);
            return !job.comets().comet("g1").mayHost("live://2") && !job.comets().comet("g2").mayHost("live://1");
        });

        publish("k", PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1001).setServer("g2").addKeys("k")
                .setMsg(ByteString.copyFromUtf8("over-grpc")).build());
        publish("live://1", PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom("live://1")
                .setMsg(ByteString.copyFromUtf8("room-1")).build());
        publish("live://3", PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom("live://3")
                .setMsg(ByteString.copyFromUtf8("hosted-nowhere")).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> g2.frameCount() == 1 && g1.frameCount() == 1);
        assertThat(g2.keyBodies("k")).containsExactly("over-grpc");
        // Over the network a room push goes only to the comets that reported the room.
        assertThat(g1.roomBodies("live://1")).containsExactly("room-1");
        assertThat(g2.roomBodies("live://1")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find("jgoim.job.push.no_target")
                .tags("type", "room").counter() != null
                && registry.get("jgoim.job.push.no_target").tags("type", "room").counter().count() == 1.0);

        // g2 leaves as a comet does: out of the registry, and its server gone (one still answering is kept).
        nodes.deregister("g2");
        servedG2.server().shutdownNow();
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        RecordingCometService g3 = new RecordingCometService("g3");
        comets.serve(g3);
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comet("g3") != null);
        publish("", broadcast("after-changes"));
        await().atMost(Duration.ofSeconds(10)).until(() -> g1.frameCount() == 2 && g3.frameCount() == 1);
        assertThat(g2.frameCount()).isEqualTo(1);
        assertThat(g3.bodies()).containsExactly("after-changes");
    }

    /**
     * A comet registered with an address gRPC cannot take (a misconfigured advertised address): it is skipped, and
     * the directory keeps applying the registry. Before, the channel builder's exception ended the periodic registry
     * read for good: comets that joined later were never pushed to.
     */
    @Test
    void shouldSkipAnUnusableRegisteredAddressAndKeepFollowingTheRegistry() throws Exception {
        RecordingCometService g1 = new RecordingCometService("g1");
        comets.serve(g1);
        nodes.register(new NodeInfo("broken", "", 1, List.of(), List.of(), List.of(), "not an address:1", 0, false,
                System.currentTimeMillis()), Duration.ofMinutes(1)).join();
        start();
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comet("g1") != null);
        RecordingCometService g2 = new RecordingCometService("g2");
        comets.serve(g2);
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comet("g2") != null);
        assertThat(job.comets().comet("broken")).isNull();
        assertThat(job.comets().comets()).hasSize(2);
        publish("", broadcast("both"));
        await().atMost(Duration.ofSeconds(10)).until(() -> g1.frameCount() == 1 && g2.frameCount() == 1);
    }

    @Test
    void shouldRetryThenCountADeadlineExceededAndADeadCometWithoutDisturbingTheOthers() throws Exception {
        RecordingCometService slow = new RecordingCometService("slow").mode(RecordingCometService.Mode.TIMEOUT);
        RecordingCometService gone = new RecordingCometService("gone");
        RecordingCometService fine = new RecordingCometService("fine");
        comets.serve(slow);
        Server goneServer = comets.serve(gone).server();
        comets.serve(fine);
        start("JGOIM_COMET_CALL_DEADLINE", "200ms", "JGOIM_RETRY_MAX_ATTEMPTS", "3", "JGOIM_RETRY_BACKOFF", "10ms");
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 3);
        goneServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            publish("", broadcast("b" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> fine.frameCount() == 3);
        assertThat(fine.bodies()).containsExactly("b0", "b1", "b2");
        await().atMost(Duration.ofSeconds(20)).until(() -> job.metrics().inFlight().get() == 0);
        // each failure series by its full tag set: every comet's TIMEOUT and UNAVAILABLE series of every type exist
        assertThat(registry.get("jgoim.job.push.failures").tags("comet", "slow", "type", "broadcast", "code",
                "TIMEOUT").counter().count()).isEqualTo(3.0);
        assertThat(registry.get("jgoim.job.push.failures").tags("comet", "gone", "type", "broadcast", "code",
                "UNAVAILABLE").counter().count()).isEqualTo(3.0);
        assertThat(registry.get("jgoim.job.retries").tags("comet", "slow").counter().count()).isEqualTo(6.0);
        assertThat(slow.attempts()).isEqualTo(9);
    }
}
