package io.jgoim.server.upstream;

import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Reply;
import io.jgoim.client.Transport;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.server.StandaloneServer;
import io.jgoim.server.StandaloneWithClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The http upstream's connection pool end to end (SDK client → comet → logic's Netty HTTP client → a raw-socket
 * backend, {@link RawHttpBackend}): a keep-alive connection the backend closed does not fail the next request (it is
 * replaced once, and each message reaches the backend exactly once); a connection that fails before answering on its
 * first request is not retried; more requests than connections wait for one and none is lost; past
 * {@code maxInFlight} a request gets RATE_LIMITED at once. Counts and codes only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackendPoolIT {
    private static final int CLOSES_IDLE = 2020;
    private static final int RACES = 2021;
    private static final int DROPS = 2022;
    private static final int HOLDS = 2023;
    private static final int MAX_IN_FLIGHT = 4;
    private static final int MAX_CONNECTIONS = 2;
    private static StandaloneWithClients fixture;
    private static StandaloneServer server;
    private static final List<RawHttpBackend> backends = new ArrayList<>();
    private static RawHttpBackend closesIdle;
    private static RawHttpBackend races;
    private static RawHttpBackend drops;
    private static RawHttpBackend holds;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        closesIdle = backend(RawHttpBackend.Mode.ANSWER_THEN_CLOSE);
        races = backend(RawHttpBackend.Mode.ANSWER_THEN_DROP_NEXT);
        drops = backend(RawHttpBackend.Mode.DROP_ALL);
        holds = backend(RawHttpBackend.Mode.HOLD);
        fixture = StandaloneWithClients.in(dir).logic(
                "upstream:",
                "  routes:",
                "    - {ops: \"" + CLOSES_IDLE + "\", kind: http, url: \"" + closesIdle.url("/up") + "\"}",
                "    - {ops: \"" + RACES + "\", kind: http, url: \"" + races.url("/up") + "\"}",
                "    - {ops: \"" + DROPS + "\", kind: http, url: \"" + drops.url("/up") + "\"}",
                "    - {ops: \"" + HOLDS + "\", kind: http, url: \"" + holds.url("/up?x=1") + "\"}",
                // retries stay at their default, 0: only the stale keep-alive case may go twice
                "  http: {timeout: 30s, maxInFlight: " + MAX_IN_FLIGHT + ", maxConnections: " + MAX_CONNECTIONS
                        + "}").start();
        server = fixture.server();
    }

    private static RawHttpBackend backend(RawHttpBackend.Mode mode) throws Exception {
        RawHttpBackend b = new RawHttpBackend(mode);
        backends.add(b);
        return b;
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        for (RawHttpBackend b : backends) {
            b.close();
        }
    }

    private static JgoimClient connect(long mid) throws Exception {
        return fixture.connect(fixture.client(Transport.TCP).goimToken(mid, "pool-" + mid, "live://9", "test", 1000)
                .extended(true).requestTimeout(Duration.ofSeconds(60)));
    }

    private static CompletableFuture<Reply> send(JgoimClient c, int op, String body) {
        return c.sendUpstream(op, body.getBytes(StandardCharsets.UTF_8));
    }

    private static ErrorCode codeOf(CompletableFuture<Reply> f) {
        Throwable t = catchThrowable(() -> f.get(60, TimeUnit.SECONDS));
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(JgoimClientException.class);
        return ((JgoimClientException) t).errorCode();
    }

    /** The body the backend got for {@code message}: the envelope embeds it; the echo brings the envelope back. */
    private static void assertEachReachedTheBackendOnce(RawHttpBackend b, List<String> messages) {
        assertThat(b.answered).hasSize(messages.size());
        for (String m : messages) {
            assertThat(b.answered).filteredOn(a -> a.contains(m)).as(m).hasSize(1);
        }
    }

    @Test
    void shouldSendTheNextRequestOnAFreshConnectionWhenTheBackendClosedTheIdleOne() throws Exception {
        JgoimClient c = connect(951);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String m = "{\"n\":\"idle-" + i + "\"}";
            Reply r = send(c, CLOSES_IDLE, m).get(60, TimeUnit.SECONDS);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("idle-" + i);
            sent.add("idle-" + i);
        }
        assertEachReachedTheBackendOnce(closesIdle, sent);
        assertThat(closesIdle.accepted.get()).isEqualTo(5);
    }

    @Test
    void shouldReplaceAKeepAliveConnectionClosedBeforeItAnsweredOnceAndDeliverEachMessageOnce() throws Exception {
        JgoimClient c = connect(952);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String m = "{\"n\":\"race-" + i + "\"}";
            Reply r = send(c, RACES, m).get(60, TimeUnit.SECONDS);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("race-" + i);
            sent.add("race-" + i);
        }
        assertEachReachedTheBackendOnce(races, sent);
        // Every request after the first went out on the kept-alive connection, was dropped unanswered, and went
        // once more on a fresh connection.
        assertThat(races.dropped.get()).isEqualTo(3);
        assertThat(races.accepted.get()).isEqualTo(4);
    }

    @Test
    void shouldNotRetryARequestWhoseFreshConnectionClosedBeforeAnswering() throws Exception {
        JgoimClient c = connect(953);
        assertThat(codeOf(send(c, DROPS, "{\"n\":1}"))).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(codeOf(send(c, DROPS, "{\"n\":2}"))).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(drops.dropped.get()).isEqualTo(2);
        assertThat(drops.accepted.get()).isEqualTo(2);
        assertThat(drops.answered).isEmpty();
    }

    @Test
    void shouldQueueRequestsBeyondTheConnectionsAndRefuseThoseBeyondMaxInFlight() throws Exception {
        JgoimClient c = connect(954);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < MAX_IN_FLIGHT + 2; i++) {
            replies.add(send(c, HOLDS, "{\"n\":\"held-" + i + "\"}"));
        }
        // One session's messages reach logic in order: the first maxInFlight are admitted, the rest refused at once.
        assertThat(codeOf(replies.get(MAX_IN_FLIGHT))).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(codeOf(replies.get(MAX_IN_FLIGHT + 1))).isEqualTo(ErrorCode.RATE_LIMITED);
        // Two on the backend's two connections, two waiting for a connection.
        await().atMost(Duration.ofSeconds(30)).until(() -> holds.held.get() == MAX_CONNECTIONS);
        assertThat(server.meters().get("jgoim.logic.upstream.http.inflight").gauge().value())
                .isEqualTo(MAX_IN_FLIGHT);
        assertThat(holds.accepted.get()).isEqualTo(MAX_CONNECTIONS);
        holds.release();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            Reply r = replies.get(i).get(60, TimeUnit.SECONDS);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("held-" + i);
            sent.add("held-" + i);
        }
        assertEachReachedTheBackendOnce(holds, sent);
        // The waiting requests went over the same two connections once they came free.
        assertThat(holds.accepted.get()).isEqualTo(MAX_CONNECTIONS);
        assertThat(holds.maxOpen.get()).isEqualTo(MAX_CONNECTIONS);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> server.meters().get("jgoim.logic.upstream.http.inflight").gauge().value() == 0);
    }
}
