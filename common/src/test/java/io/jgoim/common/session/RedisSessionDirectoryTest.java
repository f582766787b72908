package io.jgoim.common.session;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

@Tag("redis")
class RedisSessionDirectoryTest extends SessionDirectoryContract {
    private static RedisServer server;
    private static RedisClients clients;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        clients = RedisClients.connect(List.of(server.uri()), false, Duration.ofMillis(500), 10_000);
    }

    @AfterAll
    static void stopRedis() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close(); // even when connecting failed: never leave a redis-server behind
        }
    }

    @BeforeEach
    void flush() {
        if (!server.isRunning()) {
            server.restart();
        }
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> "OK".equals(clients.async().flushall().get()));
    }

    @Override
    SessionDirectory directory(Duration ttl) {
        return new RedisSessionDirectory(clients, ttl, new SimpleMeterRegistry());
    }

    @Test
    void shouldPushAKeyRoutedByAnOlderNodeWithoutAMember() {
        SessionDirectory d = directory(Duration.ofMinutes(1));
        // an older logic writes goim's key_ route only, and re-routes a member's key without touching keymid_
        clients.async().set(RedisSessionDirectory.keyKey("old"), "comet-a").toCompletableFuture().join();
        d.addSession(7, "moved", "comet-a").join();
        clients.async().set(RedisSessionDirectory.keyKey("moved"), "comet-b").toCompletableFuture().join();
        assertThat(d.routesByKeys(List.of("old", "moved")).join()).isEqualTo(Map.of(
                "old", new SessionDirectory.KeyRoute("comet-a", 0),
                "moved", new SessionDirectory.KeyRoute("comet-b", 0)));
        // goim's key_ value is unchanged for older readers
        assertThat(d.serversByKeys(List.of("moved")).join()).isEqualTo(Map.of("moved", "comet-b"));
        d.addSession(7, "new", "comet-a").join();
        assertThat(clients.async().get(RedisSessionDirectory.keyKey("new")).toCompletableFuture().join())
                .isEqualTo("comet-a");
    }

    @Test
    void shouldChangeTheStoreEpochWhenRedisLosesItsData() throws Exception {
        SessionDirectory d = directory(Duration.ofMinutes(1));
        String before = d.storeEpoch().join();
        assertThat(clients.async().get("{jgoim}store_epoch").get()).isEqualTo(before);
        clients.async().flushall().get();
        String after = d.storeEpoch().join();
        assertThat(after).isNotEmpty().isNotEqualTo(before);
        assertThat(d.storeEpoch().join()).isEqualTo(after);
    }

    @Test
    void shouldUseGoimSchemaWithHashTags() throws Exception {
        directory(Duration.ofMinutes(1)).addSession(42, "abc", "comet-a").join();
        assertThat(clients.async().get("key_{abc}").get()).isEqualTo("comet-a");
        assertThat(clients.async().hgetall("mid_{42}").get()).isEqualTo(Map.of("abc", "comet-a"));
        assertThat(clients.async().pttl("mid_{42}").get()).isBetween(1L, 60_000L);
        assertThat(clients.async().pttl("key_{abc}").get()).isBetween(1L, 60_000L);
    }

    @Test
    void shouldTimeOutCommandsOfAStalledRedisWithinTheCommandTimeout() throws Exception {
        SessionDirectory d = directory(Duration.ofMinutes(1));
        clients.async().clientPause(1500).get(); // the server stalls every client, as a hung Redis would
        long start = System.nanoTime();
        Throwable error = catchThrowable(() -> d.serversByKeys(List.of("k")).join());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(((JgoimException) error.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(tookMs).isBetween(400L, 1_200L);
    }

    @Test
    void shouldFailFastWhileRedisIsDownAndRecoverWhenItReturns() {
        SessionDirectory d = directory(Duration.ofMinutes(1));
        d.addSession(1, "k", "comet-a").join();
        server.stop();
        long start = System.nanoTime();
        Throwable error = catchThrowable(() -> d.serversByKeys(List.of("k")).join());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(error).isInstanceOf(CompletionException.class).hasCauseInstanceOf(JgoimException.class);
        assertThat(((JgoimException) error.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(tookMs).isLessThan(1_000);
        server.restart();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> d.addSession(1, "k", "comet-b").thenCompose(v -> d.serversByKeys(List.of("k"))).join()
                        .equals(Map.of("k", "comet-b")));
    }
}
