package io.jgoim.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jgoim.comet.limit.IpBans;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.testkit.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket refused by a comet limit, in a real browser: Debian's Chromium, headless, driven by playwright-core
 * (clients/demo-e2e, {@code npm run test:refusal}), against a standalone server started here with
 * {@code limits.maxConnectionsPerIp: 2}, {@code authFailuresPerIp: 2} and {@code banTime: 6s}. With
 * {@code webSocket.refusal: close-frame} (the default) a page's {@code new WebSocket(...)} over the address's
 * connection limit closes with 4017 and one from the banned address with 4018, each with the reason's
 * {@code retry-after} (not 1006), and the TypeScript SDK refused by the ban on a reconnect waits the ban out instead of
 * backing off. A control endpoint bans 127.0.0.1 ({@code POST /ban}: connect/close flaps, each a failed handshake)
 * and reports the ban's refusals ({@code GET /refusals}). Needs node, npm and chromium, as {@link DemoBrowserIT}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrowserRefusalIT {
    private static final Path E2E = Path.of(System.getProperty("user.dir")).resolve("../clients/demo-e2e").normalize();

    @TempDir
    Path dir;
    private StandaloneServer server;
    private HttpServer control;

    @BeforeEach
    void start() throws Exception {
        Path cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:",
                "  tcp: {port: " + FreePorts.next() + "}",
                "  webSocket: {port: " + FreePorts.next() + "}",
                "  limits: {maxConnectionsPerIp: 2, authFailuresPerIp: 2, banTime: 6s}",
                "  shutdown: {drainTime: 1s}",
                "logic:",
                "  http: {port: " + FreePorts.next() + "}",
                ""));
        server = StandaloneServer.load(cfg, Map.of());
        server.start();
        control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/ban", ex -> answer(ex, ban()));
        control.createContext("/refusals", ex -> answer(ex, String.valueOf(
                (long) server.comet().limits().meters().refusals(Refusal.IP_BANNED))));
        control.start();
    }

    @AfterEach
    void stop() {
        if (control != null) {
            control.stop(0);
        }
        if (server != null) {
            server.close();
        }
    }

    /** Connect/close flaps from 127.0.0.1 until the comet bans it; "banned" or why not. */
    private String ban() {
        IpBans bans = server.comet().limits().bans();
        try {
            for (int i = 0; i < 50 && bans.list().isEmpty(); i++) {
                int before = bans.failures("127.0.0.1");
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress("127.0.0.1", 0));
                    s.connect(server.comet().tcpAddress(), 2000);
                }
                for (int w = 0; w < 50 && bans.failures("127.0.0.1") == before && bans.list().isEmpty(); w++) {
                    Thread.sleep(20);
                }
            }
        } catch (IOException | InterruptedException e) {
            return "flap failed: " + e;
        }
        return bans.list().isEmpty() ? "not banned after 50 flaps" : "banned";
    }

    private static void answer(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(body.startsWith("not") || body.startsWith("flap") ? 500 : 200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void shouldShowABrowserTheRefusalsCodeAndRetryAfterAndHaveTheSdkWaitIt() throws Exception {
        NpmProject.requireTool("node", "Node.js 18+ (Debian: apt-get install nodejs npm)");
        NpmProject.requireTool("npm", "npm (Debian: apt-get install npm)");
        String chromium = System.getenv().getOrDefault("JGOIM_CHROMIUM", "chromium");
        NpmProject.requireTool(chromium, "Chromium for the browser tests (Debian: apt-get install chromium; .ci/run does it),"
                + " or JGOIM_CHROMIUM=/path/to/chromium");
        NpmProject e2e = new NpmProject(E2E, dir);
        e2e.installIfNeeded(180, "playwright-core");
        Map<String, String> env = new HashMap<>();
        env.put("JGOIM_DEMO_URL", server.demoUrl());
        env.put("JGOIM_WS", "ws://127.0.0.1:" + server.comet().wsAddress().getPort() + "/sub");
        env.put("JGOIM_CHROMIUM", chromium);
        env.put("JGOIM_CONTROL", "http://127.0.0.1:" + control.getAddress().getPort());
        e2e.run(240, env, "npm", "run", "test:refusal");
    }
}
