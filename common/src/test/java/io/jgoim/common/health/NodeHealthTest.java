package io.jgoim.common.health;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness with grace, conditions, liveness and the meters, on a clock the test moves. */
class NodeHealthTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private NodeHealth health(Map<String, Duration> grace) {
        return new NodeHealth("n1", new HealthConfig(Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofMillis(300), grace), meters, now::get);
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void shouldRegisterReadyAndDependencyGaugesBeforeAnyCheck() {
        NodeHealth h = health(Map.of("kafka", Duration.ofSeconds(10)));
        h.track("kafka", true);
        assertThat(meters.get("jgoim.ready").gauge().value()).isEqualTo(0.0); // kafka never seen up
        assertThat(meters.get("jgoim.dependency.up").tag("dependency", "kafka").gauge().value()).isEqualTo(0.0);
        assertThat(meters.scrape()).contains("jgoim_ready 0.0").contains("jgoim_dependency_up{dependency=\"kafka\"} 0.0");
    }

    @Test
    void shouldNotBeReadyUntilACriticalDependencyWasSeenUp() {
        NodeHealth h = health(Map.of("kafka", Duration.ofSeconds(10)));
        Dependency kafka = h.track("kafka", true);
        Readiness r = h.readiness();
        assertThat(r.ready()).isFalse();
        assertThat(r.reasons()).containsExactly("kafka: not up since start: not checked yet");
        advance(20_000);
        kafka.down("connection refused");
        assertThat(h.readiness().reasons()).containsExactly("kafka: not up since start: connection refused");
        kafka.up();
        assertThat(h.readiness().ready()).isTrue();
        assertThat(meters.get("jgoim.ready").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void shouldStayReadyWithinTheGraceAndTurnUnreadyAfterIt() {
        NodeHealth h = health(Map.of("kafka", Duration.ofSeconds(10)));
        Dependency kafka = h.track("kafka", true);
        kafka.up();
        advance(5_000);
        kafka.down("broker unreachable");
        assertThat(kafka.state()).isEqualTo(Dependency.State.DEGRADED);
        assertThat(meters.get("jgoim.dependency.up").tag("dependency", "kafka").gauge().value()).isEqualTo(0.0);
        advance(9_000);
        kafka.down("broker unreachable again"); // later failures keep the start of the outage
        assertThat(h.readiness().ready()).isTrue();
        assertThat(kafka.downForMillis()).isEqualTo(9_000);
        advance(1_001);
        Readiness r = h.readiness();
        assertThat(r.ready()).isFalse();
        assertThat(kafka.state()).isEqualTo(Dependency.State.DOWN);
        assertThat(r.reasons()).containsExactly("kafka: down for 10001 ms (grace 10000 ms): broker unreachable again");
        kafka.up();
        assertThat(h.readiness().ready()).isTrue();
        assertThat(kafka.downForMillis()).isZero();
        // A new outage starts its own grace.
        advance(60_000);
        kafka.down("again");
        assertThat(h.readiness().ready()).isTrue();
    }

    @Test
    void shouldShowANonCriticalDependencyWithoutLeavingReadiness() {
        NodeHealth h = health(Map.of("redis", Duration.ofSeconds(1)));
        Dependency redis = h.track("redis", false);
        redis.up();
        redis.down("connection refused");
        advance(60_000);
        assertThat(redis.state()).isEqualTo(Dependency.State.DOWN);
        assertThat(h.readiness().ready()).isTrue();
        assertThat(h.readiness().dependencies()).containsExactly(redis);
    }

    @Test
    void shouldBeUnreadyAtOnceWhileAConditionHolds() {
        NodeHealth h = health(Map.of());
        AtomicBoolean draining = new AtomicBoolean();
        h.condition("draining", draining::get, "the comet is draining");
        assertThat(h.readiness().ready()).isTrue();
        draining.set(true);
        Readiness r = h.readiness();
        assertThat(r.ready()).isFalse();
        assertThat(r.reasons()).containsExactly("draining: the comet is draining");
        assertThat(r.conditions()).containsEntry("draining", true);
    }

    @Test
    void shouldFailLivenessWhenACheckDoesNotAnswerInTime() {
        NodeHealth h = health(Map.of());
        h.liveCheck("loops", () -> CompletableFuture.completedFuture(null));
        assertThat(h.liveness().join().live()).isTrue();
        h.liveCheck("stuck", CompletableFuture::new);
        h.liveCheck("dead", () -> CompletableFuture.failedFuture(new IllegalStateException("poll loop stopped")));
        Liveness l = h.liveness().join();
        assertThat(l.live()).isFalse();
        assertThat(l.checks()).containsEntry("loops", "ok").containsEntry("stuck", "no answer within 300 ms")
                .containsEntry("dead", "poll loop stopped");
    }

    @Test
    void shouldProbeADependencyAndTakeATimeoutForDown() throws Exception {
        NodeHealth h = new NodeHealth("n1", new HealthConfig(Duration.ofMillis(20), Duration.ofMillis(50),
                Duration.ofMillis(300), Map.of("slow", Duration.ofSeconds(5))), meters);
        AtomicBoolean answer = new AtomicBoolean(true);
        Dependency slow = h.watch("slow", true, () -> answer.get() ? CompletableFuture.completedFuture(null)
                : new CompletableFuture<>());
        try {
            h.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!slow.isUp() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(slow.isUp()).isTrue();
            answer.set(false);
            while (slow.isUp() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(slow.isUp()).isFalse();
            assertThat(slow.reason()).isEqualTo("no answer within 50 ms");
            assertThat(slow.state()).isEqualTo(Dependency.State.DEGRADED);
        } finally {
            h.close();
        }
    }

    @Test
    void shouldRefuseAGraceForAnUnknownDependency() {
        HealthConfig c = new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Map.of("redis", Duration.ofSeconds(1), "kafak", Duration.ofSeconds(1)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.requireKnown(java.util.Set.of("redis", "kafka")))
                .hasMessageContaining("health.grace.kafak names no dependency of this node");
    }
}
