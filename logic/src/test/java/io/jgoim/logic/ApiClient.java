package io.jgoim.logic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small client of logic's HTTP API for tests: real sockets, JSON parsed. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    /** One response: HTTP status, the parsed body (null when not JSON), the raw text and how long it took. */
    public record Reply(int status, JsonNode json, String text, long tookMillis) {
        public int code() {
            return json.get("code").asInt();
        }

        public JsonNode data() {
            return json.get("data");
        }
    }

    public ApiClient(InetSocketAddress address) {
        this.base = "http://127.0.0.1:" + address.getPort();
    }

    public Reply post(String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET());
    }

    public Reply send(String method, String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private Reply send(HttpRequest.Builder b) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long took = (System.nanoTime() - start) / 1_000_000;
            JsonNode json = null;
            if (r.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), json, r.body(), took);
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }
}
