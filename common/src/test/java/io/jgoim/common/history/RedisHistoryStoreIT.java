package io.jgoim.common.history;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.testkit.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The history contract on a real redis-server, plus what only Redis has: flushes, restarts, stalls, scripts. */
@Tag("redis")
class RedisHistoryStoreIT extends HistoryStoreContract {
    private static RedisServer server;
    private static RedisClients clients;
    /** A long command timeout, for the contract's bursts ({@link #burstStore}). */
    private static RedisClients patientClients;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        clients = RedisClients.connect(List.of(server.uri()), false, Duration.ofMillis(500), 10_000);
        patientClients = RedisClients.connect(List.of(server.uri()), false, Duration.ofSeconds(20), 10_000);
    }

    @AfterAll
    static void stopRedis() {
        if (patientClients != null) {
            patientClients.close();
        }
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
    HistoryStore newStore() {
        return new RedisHistoryStore(clients, new SimpleMeterRegistry());
    }

    @Override
    HistoryStore burstStore() {
        return new RedisHistoryStore(patientClients, new SimpleMeterRegistry());
    }

    private static long commandCalls(String command) throws Exception {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
                .matcher(clients.async().info("commandstats").get());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void shouldKeepAStreamsKeysInOneSlotWithTheTtl() throws Exception {
        store.append("live://1000", frames("a", "b"), List.of("t/0/1", "t/0/2"), TEN).join();
        String[] keys = RedisHistoryStore.keys("live://1000");
        assertThat(keys).containsExactly("jgoim:h:{live://1000}:m", "jgoim:h:{live://1000}:l",
                "jgoim:h:{live://1000}:d", "jgoim:h:{live://1000}:q", "jgoim:h:{live://1000}:p",
                "jgoim:h:{live://1000}:v", "jgoim:h:{live://1000}:a");
        for (String k : List.of(keys).subList(0, 4)) { // no pin, no device yet
            assertThat(clients.async().exists(k).get()).as(k).isEqualTo(1L);
            assertThat(clients.async().pttl(k).get()).as(k).isBetween(1L, TEN.ttl().toMillis());
        }
        store.acknowledge("live://1000", "k", 0, 0, TEN).join(); // a device that has not acked holds the pin
        store.append("live://1000", frames("c"), null, TEN, true, Audience.encode(List.of("k"))).join();
        for (String k : keys) {
            assertThat(clients.async().exists(k).get()).as(k).isEqualTo(1L);
            assertThat(clients.async().pttl(k).get()).as(k).isBetween(1L, TEN.ttl().toMillis());
            assertThat(SlotHash.getSlot(k)).isEqualTo(SlotHash.getSlot(keys[0]));
        }
        for (String odd : new String[] {"room{x", "a}b", "{}", "mid:1}{2"}) {
            String[] k = RedisHistoryStore.keys(odd);
            for (String key : k) {
                assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(SlotHash.getSlot(k[0]));
            }
        }
        assertThat(clients.async().hget(keys[0], "top").get()).isEqualTo("3");
    }

    @Test
    void shouldRunOneScriptCallPerAppendAndPerRead() throws Exception {
        store.append("live://warm", frames("w"), null, TEN).join(); // loads the script (EVALSHA, NOSCRIPT, EVAL)
        store.read("live://warm", 0, 10, false).join();
        clients.async().configResetstat().get();
        List<byte[]> twenty = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twenty.add(bytes("m" + i));
            ids.add("t/0/" + i);
        }
        store.append("live://one", twenty, ids, TEN).join();
        assertThat(commandCalls("evalsha")).isEqualTo(1);
        store.read("live://one", 0, 100, false).join();
        assertThat(commandCalls("evalsha")).isEqualTo(2);
        assertThat(commandCalls("eval")).isZero();
    }

    @Test
    void shouldStartANewEpochWhenRedisIsFlushed() throws Exception {
        HistoryStore.Appended before = store.append("live://f", frames("a", "b"), List.of("k/0/1", "k/0/2"), TEN)
                .join();
        clients.async().flushall().get();
        HistoryStore.Slice empty = store.read("live://f", 2, 10, false).join();
        assertThat(empty.epoch()).isZero();
        assertThat(empty.complete()).isFalse();
        // the dedupe memory went with it: the replayed record is a new entry of the new epoch
        HistoryStore.Appended after = store.append("live://f", frames("b"), List.of("k/0/2"), TEN).join();
        assertThat(after.offsets()).containsExactly(1);
        assertThat(after.epoch()).isPositive().isNotEqualTo(before.epoch());
    }

    @Test
    void shouldStartANewEpochWhenOnlyTheMetaKeyIsLost() throws Exception {
        HistoryStore.Appended before = append("live://evicted", TEN, "a", "b");
        clients.async().del(RedisHistoryStore.keys("live://evicted")[0]).get(); // as an eviction would
        HistoryStore.Appended after = append("live://evicted", TEN, "c");
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(after.offsets()).containsExactly(1);
        assertThat(texts(store.read("live://evicted", 0, 10, false).join())).containsExactly("c");
    }

    @Test
    @Timeout(120) // thousands of pipelined calls: slow on a loaded machine, and the order is what is asserted
    void shouldReloadTheScriptAndKeepSubmissionOrderAfterAScriptFlush() throws Exception {
        // its own connection with a long command timeout: thousands of pipelined calls on a loaded machine
        try (RedisClients patient = RedisClients.connect(List.of(server.uri()), false, Duration.ofSeconds(20),
                100_000)) {
            HistoryStore ordered = new RedisHistoryStore(patient, null);
            ordered.append("live://order", frames("0"), null, TEN).join();
            patient.async().scriptFlush().get();
            // a deep pipeline meets the missing script: Redis holds thousands of EVALSHAs, then answers NOSCRIPT to
            // them at once, while more calls keep coming; none of them may overtake one that is sent again
            patient.async().clientPause(1_000).get();
            Retention big = new Retention(10, Duration.ofMinutes(5));
            List<CompletableFuture<HistoryStore.Appended>> pending = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                pending.add(ordered.append("live://order", frames("m" + (pending.size() + 1)), null, big));
            }
            for (int more = 0; (!pending.get(0).isDone() || more < 2_000) && more < 10_000; more++) {
                pending.add(ordered.append("live://order", frames("m" + (pending.size() + 1)), null, big));
                if (more % 10 == 0) {
                    LockSupport.parkNanos(10_000);
                }
            }
            for (int i = 0; i < pending.size(); i++) {
                assertThat(pending.get(i).join().offsets()).as("append %d", i + 1).containsExactly(i + 2);
            }
            HistoryStore.Slice s = ordered.read("live://order", 0, 1, true).join();
            assertThat(s.top()).isEqualTo(pending.size() + 1);
            assertThat(texts(s)).containsExactly("m" + pending.size());
            assertThat(commandCalls("eval")).as("calls sent again as EVAL").isGreaterThan(100);
        }
    }

    @Test
    void shouldTimeOutWhileRedisStalls() throws Exception {
        append("live://stall", TEN, "a");
        clients.async().clientPause(1500).get(); // the server stalls every client, as a hung Redis would
        CompletableFuture<HistoryStore.Appended> append = store.append("live://stall", frames("b"), null, TEN);
        assertThat(codeOf(catchThrowable(() -> append.get()))).isEqualTo(ErrorCode.TIMEOUT);
        CompletableFuture<HistoryStore.Slice> read = store.read("live://stall", 0, 10, false);
        assertThat(codeOf(catchThrowable(() -> read.get()))).isIn(ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE);
    }

    @Test
    void shouldFailWhileRedisIsDownAndWorkUnderANewEpochWhenItReturnsEmpty() {
        HistoryStore.Appended before = append("live://down", TEN, "a", "b");
        server.stop();
        CompletableFuture<HistoryStore.Appended> append = store.append("live://down", frames("c"), null, TEN);
        CompletableFuture<HistoryStore.Slice> read = store.read("live://down", 0, 10, false);
        // both fail within the command timeout's order of magnitude, never hang
        assertThat(codeOf(catchThrowable(() -> append.get(5, java.util.concurrent.TimeUnit.SECONDS))))
                .isIn(ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
        assertThat(codeOf(catchThrowable(() -> read.get(5, java.util.concurrent.TimeUnit.SECONDS))))
                .isIn(ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
        server.restart(); // empty: no keys, no scripts
        HistoryStore.Appended after = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> store.append("live://down", frames("d"), null, TEN).join(), a -> a != null);
        assertThat(after.offsets()).containsExactly(1);
        assertThat(after.epoch()).isPositive().isNotEqualTo(before.epoch());
        HistoryStore.Slice s = store.read("live://down", 0, 10, false).join();
        assertThat(texts(s)).containsExactly("d");
        assertThat(s.epoch()).isEqualTo(after.epoch());
    }
}
