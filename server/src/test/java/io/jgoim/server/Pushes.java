package io.jgoim.server;

import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test helpers: a listener that records pushes as "op:body", and a plain HTTP client for logic's API. */
class Pushes implements ClientListener {
    final List<String> received = new CopyOnWriteArrayList<>();

    @Override
    public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
        received.add(op + ":" + body.toString(StandardCharsets.UTF_8));
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> post(String base, String pathAndQuery, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static HttpResponse<String> get(String base, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET()
                .build());
    }

    private static HttpResponse<String> send(HttpRequest req) {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("HTTP " + req.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
