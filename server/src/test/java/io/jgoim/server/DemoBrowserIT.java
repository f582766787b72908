package io.jgoim.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jgoim.testkit.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live-comments demo page (docs/demo.md) in a real browser: Debian's Chromium, headless, driven by playwright-core
 * from clients/demo-e2e (node:test), against a real standalone server started here on fixed free ports. The browser
 * test joins two browser contexts to one room and has a comment from each appear in the other, the online count show
 * 2, a late joiner see the room's recent comments, both pages reconnect by themselves after this server is restarted
 * on the same ports (a control endpoint, {@code POST /restart}) and keep working, and a bad token end in a terminal
 * close whose reason is shown with no further attempt; no exception reaches any page. Screenshots go to
 * {@code target/demo-screenshots/}. Before the browser, the static route is checked here over raw sockets: the page,
 * the SDK modules bundled by the build, content types, and traversal refused with the API's codes.
 *
 * <p>Needs node, npm and chromium on the PATH ({@code JGOIM_CHROMIUM} names another binary); .ci/run installs them.
 * playwright-core (pinned in clients/demo-e2e/package-lock.json) is installed with {@code npm ci} only when missing.
 * Comments go through standalone's built-in comment handler (upstream op 1001, docs/demo.md).
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS)
class DemoBrowserIT {
    private static final Path E2E = Path.of(System.getProperty("user.dir")).resolve("../clients/demo-e2e").normalize();
    private static final Path SHOTS = Path.of(System.getProperty("user.dir"), "target", "demo-screenshots");

    @TempDir
    Path dir;
    private Path cfg;
    private volatile StandaloneServer server;
    private HttpServer control;
    private int restarts;

    @BeforeEach
    void start() throws Exception {
        int tcp = FreePorts.next();
        int ws = FreePorts.next();
        int http = FreePorts.next();
        cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:",
                "  tcp: {port: " + tcp + "}",
                "  webSocket: {port: " + ws + "}",
                "  shutdown: {drainTime: 1s}",
                "logic:",
                "  http: {port: " + http + "}",
                ""));
        server = startServer();
        control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/restart", this::restart);
        control.start();
    }

    private StandaloneServer startServer() {
        StandaloneServer s = StandaloneServer.load(cfg, Map.of());
        s.start();
        return s;
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

    /** Closes the server (its sessions get SHUTDOWN 4001), then starts a new one on the same ports. */
    private synchronized void restart(HttpExchange ex) throws IOException {
        int status = 200;
        String body;
        try {
            server.close();
            server = startServer();
            restarts++;
            body = "restarted";
        } catch (RuntimeException e) {
            status = 500;
            body = "restart failed: " + e;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void shouldChatAcrossTwoBrowsersReconnectAfterARestartAndStopOnABadToken() throws Exception {
        String demo = server.demoUrl();
        assertThat(demo).isEqualTo("http://127.0.0.1:" + server.logic().httpAddress().getPort() + "/demo/");
        assertServesThePageSafely(server.logic().httpAddress().getPort());

        NpmProject.requireTool("node", "Node.js 18+ (Debian: apt-get install nodejs npm)");
        NpmProject.requireTool("npm", "npm (Debian: apt-get install npm)");
        String chromium = System.getenv().getOrDefault("JGOIM_CHROMIUM", "chromium");
        NpmProject.requireTool(chromium, "Chromium for the browser tests (Debian: apt-get install chromium; .ci/run does it),"
                + " or JGOIM_CHROMIUM=/path/to/chromium");
        NpmProject e2e = new NpmProject(E2E, dir);
        e2e.installIfNeeded(180, "playwright-core");
        Files.createDirectories(SHOTS);
        Map<String, String> env = new HashMap<>();
        env.put("JGOIM_DEMO_URL", demo);
        env.put("JGOIM_CHROMIUM", chromium);
        env.put("JGOIM_CONTROL", "http://127.0.0.1:" + control.getAddress().getPort());
        env.put("JGOIM_SCREENSHOTS", SHOTS.toString());
        e2e.run(300, env, "npm", "test");
        assertThat(restarts).as("the browser test restarted the server once").isEqualTo(1);
        try (var shots = Files.list(SHOTS)) {
            assertThat(shots.filter(p -> p.toString().endsWith(".png")).count()).as("screenshots in %s", SHOTS)
                    .isGreaterThanOrEqualTo(4);
        }
    }

    /** The route over raw sockets (bytes a browser would normalise away): files, types, and no way out. */
    private static void assertServesThePageSafely(int port) throws IOException {
        Map<String, String> types = Map.of(
                "/demo/", "text/html; charset=utf-8",
                "/demo/demo.js", "text/javascript; charset=utf-8",
                "/demo/demo.css", "text/css; charset=utf-8",
                "/demo/sdk/index.js", "text/javascript; charset=utf-8",
                "/demo/sdk/client.js", "text/javascript; charset=utf-8");
        for (Map.Entry<String, String> e : types.entrySet()) {
            Reply r = get(port, e.getKey());
            assertThat(r.status).as("%s (the SDK modules need npm at build time)", e.getKey()).isEqualTo(200);
            assertThat(r.headers.get("content-type")).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(get(port, "/demo/sdk/index.js").body).contains("JgoimClient");
        assertThat(get(port, "/demo").headers.get("location")).isEqualTo("/demo/");
        for (String bad : List.of("/demo/../jgoim/standalone.yaml", "/demo/%2e%2e/standalone.yaml",
                "/demo/..%2f..%2fjgoim%2fstandalone.yaml", "/demo/sdk/..\\..\\standalone.yaml", "/demo%2f..%2f")) {
            Reply r = get(port, bad);
            assertThat(r.status).as(bad).isEqualTo(400);
            assertThat(r.body).as(bad).contains("\"code\":400");
        }
        for (String missing : List.of("/demo/standalone.yaml", "/demo/sdk/index.d.ts", "/demo/sdk/", "/demo/x.html")) {
            Reply r = get(port, missing);
            assertThat(r.status).as(missing).isEqualTo(404);
            assertThat(r.body).as(missing).contains("\"code\":404");
        }
    }

    private record Reply(int status, Map<String, String> headers, String body) {
    }

    private static Reply get(int port, String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return new String(a, 0, n - 4, StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("connection closed before the end of the headers");
    }
}
