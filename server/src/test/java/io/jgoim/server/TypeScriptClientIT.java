package io.jgoim.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.limit.Refusal;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TypeScript client SDK (clients/typescript) end to end against a real standalone server: builds it with the
 * system's npm, runs its unit tests (node:test, golden vectors) and its e2e test (test/e2e/standalone.test.mjs) with
 * the server's ports in the environment, and asserts the npm runs exit 0. The e2e test connects over WebSocket,
 * receives room pushes and op-9 batches in order, gets upstream replies by seq, changes room and watches ops, resumes
 * after a forced reconnect with no loss and no duplicate, and stops at a terminal close.
 *
 * <p>A control endpoint lets the TS test drop a session from the server side (its socket closed, no goodbye, as a
 * network blip): {@code POST /drop?key=K}. Dependencies are installed with {@code npm ci} only when node_modules is
 * missing or older than package-lock.json, so runs after the first need no registry (.ci/run installs them before
 * the build). With them installed the test takes 12-25 s here; each npm run is bounded (install 120 s, tests 60 s).
 *
 * <p>A second server, whose comet limits each address to one connect a second (no bans), runs the SDK's first-connect
 * tests (test/limits): a refused first connect waits the retry-after and gets in, a refused token fails after one
 * attempt, close() during the wait ends the attempts. {@code GET /counts} on the control endpoint tells them what the
 * server counted: the comet's refusals by limit, the auths logic accepted and the auths the comet saw refused.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TypeScriptClientIT {
    private static final Path SDK =
            Path.of(System.getProperty("user.dir")).resolve("../clients/typescript").normalize();

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;
    private HttpServer control;

    private void start(StandaloneWithClients.Setup setup) throws Exception {
        fixture = setup.start();
        control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/drop", this::drop);
        control.createContext("/counts", this::counts);
        control.start();
    }

    @AfterEach
    void stop() {
        if (control != null) {
            control.stop(0);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private void counts(HttpExchange ex) throws IOException {
        var server = fixture.server();
        var refusals = server.comet().limits().meters();
        String body = "{\"ip_connect_rate\":" + (long) refusals.refusals(Refusal.IP_CONNECT_RATE)
                + ",\"ip_banned\":" + (long) refusals.refusals(Refusal.IP_BANNED)
                + ",\"authAccepted\":" + sum(server, "jgoim.logic.sessions.connected")
                + ",\"authFailures\":" + sum(server, "jgoim_comet_auth_failures") + "}";
        reply(ex, 200, body);
    }

    private static long sum(StandaloneServer server, String counter) {
        return (long) server.meters().find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    private void drop(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getQuery();
        String key = query != null && query.startsWith("key=") ? query.substring(4) : "";
        Session s = fixture.server().comet().index().session(key);
        int status = 404;
        String body = "no session " + key;
        if (s != null) {
            s.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            status = 200;
            body = "dropped " + key;
        }
        reply(ex, status, body);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void shouldPassTheTypeScriptSdkTestsAgainstARealServer() throws Exception {
        // The SDK's e2e unwraps op-9 batches: an idle room's pushes now go one per write (the comet's coalescing
        // follows the load), so the optional window makes job gather them into batches here.
        start(StandaloneWithClients.in(dir).job("batch: {window: 250ms}"));
        NpmProject sdk = sdk();
        // npm test: tsc, then the unit tests; test:e2e: the tests against this server.
        sdk.run(60, env(), "npm", "test");
        sdk.run(60, env(), "npm", "run", "test:e2e");
    }

    @Test
    void shouldRetryTheSdksFirstConnectAgainstACometThatRefusesIt() throws Exception {
        start(StandaloneWithClients.in(dir).comet(
                "limits: {connectRatePerIp: 1, connectBurstPerIp: 1, authFailuresPerIp: 0}"));
        NpmProject sdk = sdk();
        sdk.run(60, env(), "npm", "run", "build");
        sdk.run(90, env(), "npm", "run", "test:limits");
    }

    private Map<String, String> env() {
        return Map.of(
                "JGOIM_WS_URL", "ws://127.0.0.1:" + fixture.wsPort() + "/sub",
                "JGOIM_API", fixture.api(),
                "JGOIM_CONTROL", "http://127.0.0.1:" + control.getAddress().getPort());
    }

    private NpmProject sdk() throws Exception {
        String install = "Node.js 18+ and npm (Debian: apt-get install nodejs npm; .ci/run does it)";
        NpmProject.requireTool("node", install);
        NpmProject.requireTool("npm", install);
        assertThat(SDK.resolve("package.json")).as("the TypeScript SDK's folder").exists();
        NpmProject sdk = new NpmProject(SDK, dir);
        sdk.installIfNeeded(120, "typescript", "ws");
        return sdk;
    }
}
