package io.jgoim.common.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.health.NodeHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrapes rendered on the runner's thread, a bounded number waiting: the one past the bound is answered at once with
 * 429 RATE_LIMITED and a retry, the others complete once the slow one is done; the caller never waits for a render.
 */
@Timeout(60)
class ScrapeRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeHealth health = new NodeHealth("scrape-test", new HealthConfig(Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Map.of()), null);
    private final ThreadPoolExecutor thread = ScrapeRunner.newThread(2);
    private final ScrapeRunner runner = new ScrapeRunner(thread);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger renders = new AtomicInteger();
    private final List<FullHttpResponse> responses = new ArrayList<>();

    ScrapeRunnerTest() {
        Gauge.builder("jgoim.probe.slow", () -> {
            renders.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1;
        }).register(registry);
    }

    @AfterEach
    void stop() {
        release.countDown();
        thread.shutdownNow();
        responses.forEach(FullHttpResponse::release);
    }

    @Test
    void shouldRefuseTheScrapePastTheWaitingBoundAndCompleteTheOthers() throws Exception {
        CompletableFuture<FullHttpResponse> first = scrape();
        while (renders.get() == 0) { // the first is in progress, held by its gauge
            Thread.sleep(5);
        }
        CompletableFuture<FullHttpResponse> second = scrape();
        CompletableFuture<FullHttpResponse> third = scrape();
        CompletableFuture<FullHttpResponse> fourth = scrape();

        // two wait behind the first; the fourth is refused at once, without waiting for the render
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(fourth).isDone();
        FullHttpResponse refused = keep(fourth.get());
        assertThat(refused.status().code()).isEqualTo(429);
        assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
        JsonNode body = JSON.readTree(refused.content().toString(StandardCharsets.UTF_8));
        assertThat(body.path("code").asInt()).isEqualTo(300);
        assertThat(body.path("message").asText()).contains("scrapes");

        release.countDown();
        for (CompletableFuture<FullHttpResponse> f : List.of(first, second, third)) {
            FullHttpResponse r = keep(f.get(10, TimeUnit.SECONDS));
            assertThat(r.status().code()).isEqualTo(200);
            assertThat(r.content().toString(StandardCharsets.UTF_8)).contains("jgoim_probe_slow 1.0");
        }
        assertThat(renders.get()).isEqualTo(3); // the refused one rendered nothing
        assertThat(registry.get("jgoim.metrics.scrapes.refused").counter().count()).isEqualTo(1);
        assertThat(registry.get("jgoim.metrics.scrape").timer().count()).isEqualTo(3);

        // the queue drained: the next scrape is served again
        FullHttpResponse again = keep(scrape().get(10, TimeUnit.SECONDS));
        assertThat(again.status().code()).isEqualTo(200);
    }

    @Test
    void shouldAnswerHealthWithoutTheRunner() throws Exception {
        CompletableFuture<FullHttpResponse> held = scrape();
        while (renders.get() == 0) {
            Thread.sleep(5);
        }
        FullHttpResponse live = keep(MetricsHttpServer.respond(registry, health,
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health/live"), runner)
                .get(10, TimeUnit.SECONDS));
        assertThat(live.status().code()).isEqualTo(200);
        assertThat(held).isNotDone();
        release.countDown();
        assertThat(keep(held.get(10, TimeUnit.SECONDS)).status().code()).isEqualTo(200);
    }

    private CompletableFuture<FullHttpResponse> scrape() {
        return MetricsHttpServer.respond(registry, health,
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics?name[]=jgoim_probe_slow"),
                runner);
    }

    private FullHttpResponse keep(FullHttpResponse r) {
        responses.add(r);
        return r;
    }
}
