package io.jgoim.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe paths the deployment files use ({@link DeployFiles#LIVE_PATH}, {@link DeployFiles#READY_PATH}) are
 * served by real nodes on the listeners the probes name: comet's admin port, job's metrics port and logic's HTTP port
 * (one standalone JVM with the comet's and job's admin listeners turned on), each answering 200 while healthy.
 */
class ProbePathsServedTest {
    @TempDir
    Path dir;

    @Test
    void shouldAnswerTheProbePathsOnEveryNodesHealthListener() throws Exception {
        Path cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:",
                "  tcp: {bind: 127.0.0.1, port: 0}",
                "  webSocket: {bind: 127.0.0.1, port: 0}",
                "  admin: {enabled: true, bind: 127.0.0.1, port: 0}",
                "  shutdown: {drainTime: 1s}",
                "logic:",
                "  http: {port: 0}",
                "job:",
                "  metrics: {enabled: true, host: 127.0.0.1, port: 0}",
                ""));
        try (StandaloneServer server = StandaloneServer.load(cfg, Map.of())) {
            server.start();
            Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
            listeners.put("comet admin", server.comet().adminAddress());
            listeners.put("logic http", server.logic().httpAddress());
            listeners.put("job metrics", server.job().metricsAddress());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (Map.Entry<String, InetSocketAddress> l : listeners.entrySet()) {
                for (String path : new String[]{DeployFiles.LIVE_PATH, DeployFiles.READY_PATH}) {
                    // Readiness follows the nodes' first dependency probes (a probe interval after start).
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + l.getValue().getPort() + path))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as("GET %s on %s: %s", path, l.getKey(), r.body()).isEqualTo(200);
                    });
                }
            }
        }
    }
}
