package io.jgoim.server.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP backend on a loopback port (the JDK's HttpServer) with one path per behaviour: {@code /echo} answers
 * the request body, {@code /slow} answers only after {@link #release()} (or 10 s), {@code /fail} answers 500,
 * {@code /big} answers {@code bigBytes} bytes, {@code /connect} decides connect-proxy requests by their token.
 */
final class TestBackend implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger slowCalls = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final CountDownLatch release = new CountDownLatch(1);
    private final int bigBytes;

    TestBackend(int bigBytes) throws IOException {
        this.bigBytes = bigBytes;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/echo", ex -> answer(ex, 200, read(ex)));
        server.createContext("/slow", ex -> {
            read(ex);
            slowCalls.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "late".getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/fail", ex -> {
            read(ex);
            answer(ex, 500, "{\"error\":\"boom\"}".getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/big", ex -> {
            read(ex);
            answer(ex, 200, new byte[bigBytes]);
        });
        server.createContext("/connect", this::connect);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** A loopback URL where nothing listens (connection refused). */
    static String deadUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/gone";
        }
    }

    /** Lets every waiting {@code /slow} request answer. */
    void release() {
        release.countDown();
    }

    private void connect(HttpExchange ex) throws IOException {
        String req = new String(read(ex), StandardCharsets.UTF_8);
        String answer;
        if (req.contains("\"token\":\"allow-")) {
            String mid = req.replaceAll("(?s).*\"token\":\"allow-(\\d+)\".*", "$1");
            answer = "{\"allow\":true,\"mid\":" + mid + ",\"key\":\"proxied-" + mid
                    + "\",\"room\":\"live://77\",\"accepts\":[1000,1001],\"tenant\":\"acme\"}";
        } else if (req.contains("\"token\":\"deny\"")) {
            answer = "{\"allow\":false,\"reason\":\"banned member\"}";
        } else if (req.contains("\"token\":\"forbidden\"")) {
            answer(ex, 403, "{\"reason\":\"not here\"}".getBytes(StandardCharsets.UTF_8));
            return;
        } else if (req.contains("\"token\":\"slow\"")) {
            slowCalls.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer = "{\"allow\":false,\"reason\":\"late\"}";
        } else {
            answer = "{\"nonsense\":1}";
        }
        answer(ex, 200, answer.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] read(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            requests.add(ex.getRequestURI().getPath() + " " + new String(body, StandardCharsets.UTF_8));
            return body;
        }
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the caller gave up (timeout) and closed the connection
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
