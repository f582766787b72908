package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.testkit.FreePorts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Zipkin server (io.zipkin:zipkin-server exec jar from Maven Central, copied to target/zipkin by the build)
 * run as a separate JVM with in-memory storage: the trace backend the tracing IT exports to and queries through
 * Zipkin's HTTP API. Its output goes to a file beside the test's other files.
 */
final class ZipkinProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;

    private ZipkinProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server; {@link #awaitReady} waits for it. */
    static ZipkinProcess start(Path logDir) throws IOException {
        Path jar = Path.of(System.getProperty("zipkin.jar", "target/zipkin/zipkin-server-exec.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the build's pre-integration-test"
                    + " phase (mvn verify), which copies io.zipkin:zipkin-server:exec there");
        }
        int port = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                jar.toAbsolutePath().toString(), "--logging.level.root=WARN");
        pb.environment().put("QUERY_PORT", Integer.toString(port));
        pb.environment().put("STORAGE_TYPE", "mem");
        pb.environment().put("SELF_TRACING_ENABLED", "false");
        pb.redirectErrorStream(true).redirectOutput(logDir.resolve("zipkin.log").toFile());
        return new ZipkinProcess(pb.start(), port);
    }

    /** Where nodes send spans (Zipkin v2 JSON). */
    String spansEndpoint() {
        return "http://127.0.0.1:" + port + "/api/v2/spans";
    }

    /** Waits until the server answers its health check. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("zipkin exited with " + process.exitValue() + " (see zipkin.log)");
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("zipkin not ready within " + timeout);
    }

    /** The spans Zipkin holds for {@code traceId} (an empty array while it has none). */
    JsonNode trace(String traceId) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v2/trace/" + traceId);
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createArrayNode();
    }

    /** The recent traces holding a span {@code spanName} of {@code service} (Zipkin's search). */
    JsonNode traces(String service, String spanName) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v2/traces?serviceName=" + service + "&spanName="
                + java.net.URLEncoder.encode(spanName.toLowerCase(java.util.Locale.ROOT),
                java.nio.charset.StandardCharsets.UTF_8) + "&limit=10");
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createArrayNode();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
