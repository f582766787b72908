package io.jgoim.server.upstream;

import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.index.Session;
import io.jgoim.protocol.CloseCode;
import io.jgoim.server.StandaloneServer;
import io.jgoim.server.StandaloneWithClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The connect proxy end to end: logic asks a real HTTP backend (the JDK's HttpServer on a loopback port) whether a
 * connection may open. Allow: the session gets the backend's member, key and room. Refuse: AUTH_FAILED (4501,
 * terminal). No answer within the timeout, a malformed answer: LOGIC_UNAVAILABLE (4004, retry).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectProxyIT {
    private static StandaloneWithClients fixture;
    private static StandaloneServer server;
    private static TestBackend backend;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        backend = new TestBackend(0);
        fixture = StandaloneWithClients.in(dir).logic(
                "auth:",
                "  connectProxy: {enabled: true, url: \"" + backend.url("/connect") + "\", timeout: 2s}",
                // The backend names tenant acme: declared, so the session's key and room are acme's.
                "tenants: {declared: [\"acme\"]}").start();
        server = fixture.server();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static JgoimClient client(Transport t, String token) {
        return fixture.open(fixture.client(t).token(token));
    }

    private static int closeCodeOf(JgoimClient c) {
        catchThrowable(() -> c.connect().get(15, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(15)).until(() -> c.lastClose() != null);
        return c.lastClose().code();
    }

    @Test
    void shouldOpenTheSessionTheBackendAllowsWithItsMemberKeyAndRoom() throws Exception {
        JgoimClient c = client(Transport.WEBSOCKET, "allow-321");
        c.connect().get(15, TimeUnit.SECONDS);
        // The proxy's tenant went through the same resolve as a token's claim: acme's namespace.
        String key = io.jgoim.protocol.Tenancy.namespaced("acme", "proxied-321");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.comet().index().session(key) != null);
        Session s = server.comet().index().session(key);
        assertThat(s.memberId()).isEqualTo(321);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.channel().eventLoop().submit(
                () -> s.room() == null ? "" : s.room().id()).get()
                .equals(io.jgoim.protocol.Tenancy.namespaced("acme", "live://77")));
        // The backend saw the connect: the token, the transport and the client's address.
        assertThat(backend.requests).anySatisfy(r -> assertThat(r)
                .contains("\"token\":\"allow-321\"").contains("\"transport\":\"ws\"")
                .contains("\"remote_addr\":\"/127.0.0.1:"));
    }

    @Test
    void shouldCloseWithAuthFailedWhenTheBackendRefuses() {
        assertThat(closeCodeOf(client(Transport.WEBSOCKET, "deny"))).isEqualTo(CloseCode.AUTH_FAILED.code());
        assertThat(closeCodeOf(client(Transport.WEBSOCKET, "forbidden"))).isEqualTo(CloseCode.AUTH_FAILED.code());
    }

    @Test
    void shouldAskTheClientToRetryWhenTheBackendDoesNotAnswerInTime() {
        assertThat(closeCodeOf(client(Transport.WEBSOCKET, "slow"))).isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
        assertThat(backend.slowCalls.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldAskTheClientToRetryOnAMalformedDecision() {
        assertThat(closeCodeOf(client(Transport.WEBSOCKET, "gibberish")))
                .isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
    }
}
