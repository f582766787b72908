package io.jgoim.job;

import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job's readiness follows the comets it knows (registry refresh 100 ms, grace 1 s): not ready before the first comet,
 * ready once one registered, still ready right after the last one left (within the grace), not ready past it; live
 * throughout; {@code jgoim_dependency_up{dependency="comets"}} exported from the start. Over HTTP on the metrics port.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class JobHealthIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> get(JobServer job, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.metricsAddress().getPort()
                + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldBeReadyOnlyWhileItKnowsACometWithinTheGrace() throws Exception {
        InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (JobServer job = new JobServer(TestConfigs.config("JGOIM_METRICS_ENABLED", "true",
                "JGOIM_METRICS_HOST", "127.0.0.1", "JGOIM_METRICS_PORT", "0",
                "JGOIM_COMET_REGISTRY_REFRESH", "100ms", "JGOIM_COMET_EMPTY_REGISTRY_GRACE", "0ms",
                "JGOIM_HEALTH_PROBE_INTERVAL", "100ms", "JGOIM_HEALTH_GRACE_COMETS", "1s"), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)), meters)) {
            assertThat(meters.scrape()).contains("jgoim_ready 0.0")
                    .contains("jgoim_dependency_up{dependency=\"comets\"} 0.0");
            job.start();
            HttpResponse<String> none = get(job, "/health/ready");
            assertThat(none.statusCode()).isEqualTo(503);
            assertThat(none.body()).contains("comets: not up since start");

            nodes.register(new NodeInfo("c1", "", 1, List.of(), List.of(), List.of(), "127.0.0.1:1", 0, false,
                    System.currentTimeMillis()), Duration.ofMinutes(1)).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> get(job, "/health/ready").statusCode() == 200);
            assertThat(get(job, "/metrics").body()).contains("jgoim_dependency_up{dependency=\"comets\"} 1.0");

            nodes.deregister("c1").join();
            await().atMost(Duration.ofSeconds(10)).until(() -> get(job, "/health").body()
                    .contains("\"comets\":{\"state\":\"DEGRADED\""));
            assertThat(get(job, "/health/ready").statusCode()).as("within the grace").isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> get(job, "/health/ready").statusCode() == 503);
            HttpResponse<String> gone = get(job, "/health/ready");
            assertThat(gone.body()).contains("comets: down for ").contains("no comet known to push to");
            assertThat(get(job, "/health/live").statusCode()).isEqualTo(200);
        }
    }
}
