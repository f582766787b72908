package io.jgoim.job;

import io.jgoim.common.admin.LogLevelAction;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Job's admin routes on its metrics port: {@code /admin/*} needs a key of {@code metrics.apiKeys} with scope admin
 * (missing 109, unknown 110, without the scope 111, exactly as logic's push API answers), a job with no key refuses
 * every admin route, and /metrics and /health stay open to scrapers and probes.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class JobAdminRoutesIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String OPS = "o".repeat(40);
    private static final String READER = "r".repeat(40);

    @TempDir
    Path dir;

    private JobServer job(String apiKeysYaml) throws Exception {
        Path file = dir.resolve("job-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "metrics:\n  apiKeys:" + apiKeysYaml);
        Map<String, String> env = new HashMap<>(Map.of("JGOIM_METRICS_ENABLED", "true", "JGOIM_METRICS_HOST",
                "127.0.0.1", "JGOIM_METRICS_PORT", "0", "JGOIM_BUS_MODE", "in-process", "JGOIM_DISPATCH_LANES", "2"));
        JobServer job = new JobServer(JobConfig.load(file, env), new InMemoryNodeRegistry(),
                new InMemorySessionDirectory(Duration.ofMinutes(1)), new PrometheusMeterRegistry(
                        PrometheusConfig.DEFAULT));
        job.start();
        return job;
    }

    private static String key(String id, String key, String scopes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.US_ASCII)));
        return "    - id: \"" + id + "\"\n      sha256: \"" + sha + "\"\n      scopes: [" + scopes + "]\n"
                + "      ratePerSecond: 0\n      burst: 0\n";
    }

    private static HttpResponse<String> call(JobServer job, String method, String path, String apiKey)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + job.metricsAddress().getPort()
                + path)).timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (apiKey != null) {
            r.header("X-Api-Key", apiKey);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(ErrorCode c) {
        return "\"code\":" + c.code() + ",";
    }

    @Test
    void shouldRefuseAdminRoutesWithoutAnAdminKeyWithTheExactCodes() throws Exception {
        try (JobServer job = job("\n" + key("ops", OPS, "admin") + key("reader", READER, "read"))) {
            String route = "/admin/loglevel?logger=io.jgoim.job&level=DEBUG";
            HttpResponse<String> missing = call(job, "POST", route, null);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.body()).startsWith("{" + code(ErrorCode.API_KEY_MISSING));
            HttpResponse<String> wrong = call(job, "POST", route, "w".repeat(40));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).startsWith("{" + code(ErrorCode.API_KEY_INVALID));
            HttpResponse<String> forbidden = call(job, "POST", route, READER);
            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.body()).startsWith("{" + code(ErrorCode.FORBIDDEN));

            // With the admin key the route runs the shared log-level action: whatever this JVM's logging backend
            // answers in-process, the route answers too (a bad level is BAD_PARAMETER under Logback; a JVM without
            // Logback refuses every change UNAVAILABLE).
            ErrorCode expected;
            try {
                LogLevelAction.set(LogLevels.backend(), "io.jgoim.job", "LOUD", "the test");
                expected = ErrorCode.OK;
            } catch (JgoimException e) {
                expected = e.code();
            }
            HttpResponse<String> bad = call(job, "POST", "/admin/loglevel?logger=io.jgoim.job&level=LOUD", OPS);
            assertThat(bad.body()).startsWith("{" + code(expected));
            assertThat(call(job, "POST", "/admin/loglevel", OPS).body()).startsWith("{"
                    + code(ErrorCode.BAD_PARAMETER));
            assertThat(call(job, "GET", "/admin/loglevel", OPS).body()).startsWith("{"
                    + code(ErrorCode.METHOD_NOT_ALLOWED));
            assertThat(call(job, "GET", "/admin/nothing", OPS).body()).startsWith("{" + code(ErrorCode.NOT_FOUND));
            assertThat(call(job, "GET", "/metrics", null).statusCode()).isEqualTo(200);
            assertThat(call(job, "GET", "/health/live", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseEveryAdminRouteWhenNoKeyIsConfigured() throws Exception {
        try (JobServer job = job(" []\n")) {
            HttpResponse<String> off = call(job, "POST", "/admin/loglevel?logger=io.jgoim.job&level=DEBUG", OPS);
            assertThat(off.statusCode()).isEqualTo(403);
            assertThat(off.body()).startsWith("{" + code(ErrorCode.FORBIDDEN)).contains("metrics.apiKeys");
            assertThat(call(job, "GET", "/metrics", null).statusCode()).isEqualTo(200);
        }
    }
}
