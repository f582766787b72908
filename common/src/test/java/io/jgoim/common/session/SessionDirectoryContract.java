package io.jgoim.common.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The behaviour every {@link SessionDirectory} must have; run against the in-memory twin and Redis. */
@Timeout(20)
abstract class SessionDirectoryContract {
    /** A fresh, empty directory whose routes live {@code ttl} without a refresh. */
    abstract SessionDirectory directory(Duration ttl);

    private static final Duration LONG = Duration.ofMinutes(5);

    @Test
    void shouldRouteKeyAndMemberAfterAdd() {
        SessionDirectory d = directory(LONG);
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(7, "k2", "comet-b").join();
        assertThat(d.serversByKeys(List.of("k1", "k2", "nobody")).join())
                .isEqualTo(Map.of("k1", "comet-a", "k2", "comet-b"));
        assertThat(d.keysByMids(List.of(7L, 8L)).join()).isEqualTo(Map.of("k1", "comet-a", "k2", "comet-b"));
    }

    @Test
    void shouldAnswerEachKeysServerAndMemberInOneLookup() {
        SessionDirectory d = directory(LONG);
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(0, "anon", "comet-b").join();
        assertThat(d.routesByKeys(List.of("k1", "anon", "nobody")).join()).isEqualTo(Map.of(
                "k1", new SessionDirectory.KeyRoute("comet-a", 7),
                "anon", new SessionDirectory.KeyRoute("comet-b", 0)));
        // the same key connected again anonymously: no member any more; then as another member elsewhere
        d.addSession(0, "k1", "comet-a").join();
        assertThat(d.routesByKeys(List.of("k1")).join()).isEqualTo(Map.of("k1", new SessionDirectory.KeyRoute(
                "comet-a", 0)));
        d.addSession(9, "k1", "comet-c").join();
        assertThat(d.routesByKeys(List.of("k1")).join()).isEqualTo(Map.of("k1", new SessionDirectory.KeyRoute(
                "comet-c", 9)));
        assertThat(d.refreshSession(9, "k1", "comet-c").join()).isTrue();
        assertThat(d.routesByKeys(List.of("k1")).join().get("k1").mid()).isEqualTo(9);
        assertThat(d.removeSession(9, "k1", "comet-c").join()).isTrue();
        // away: not connected, its member still known (a key push is kept for its resume); goim's route is gone
        assertThat(d.routesByKeys(List.of("k1")).join()).isEqualTo(Map.of("k1", new SessionDirectory.KeyRoute(
                null, 9)));
        assertThat(d.serversByKeys(List.of("k1")).join()).isEmpty();
        d.addSession(0, "anon", "comet-a").join();
        assertThat(d.removeSession(0, "anon", "comet-a").join()).isTrue();
        assertThat(d.routesByKeys(List.of("anon")).join()).as("an anonymous key is not kept").isEmpty();
    }

    @Test
    void shouldForgetAnAwayKeysMemberAfterTheSessionTtl() {
        SessionDirectory d = directory(Duration.ofMillis(1000));
        d.addSession(5, "gone", "comet-a").join();
        assertThat(d.removeSession(5, "gone", "comet-a").join()).isTrue();
        assertThat(d.routesByKeys(List.of("gone")).join()).isEqualTo(Map.of("gone", new SessionDirectory.KeyRoute(
                null, 5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> d.routesByKeys(List.of("gone")).join().isEmpty());
        d.addSession(6, "gone", "comet-b").join(); // back as another member: connected, that member
        assertThat(d.routesByKeys(List.of("gone")).join()).isEqualTo(Map.of("gone", new SessionDirectory.KeyRoute(
                "comet-b", 6)));
    }

    @Test
    void shouldRouteAnonymousSessionByKeyOnly() {
        SessionDirectory d = directory(LONG);
        d.addSession(0, "anon", "comet-a").join();
        assertThat(d.serversByKeys(List.of("anon")).join()).isEqualTo(Map.of("anon", "comet-a"));
        assertThat(d.keysByMids(List.of(0L)).join()).isEmpty();
        assertThat(d.removeSession(0, "anon", "comet-a").join()).isTrue();
        assertThat(d.serversByKeys(List.of("anon")).join()).isEmpty();
    }

    @Test
    void shouldRemoveExactlyThatSession() {
        SessionDirectory d = directory(LONG);
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(7, "k2", "comet-a").join();
        assertThat(d.removeSession(7, "k1", "comet-a").join()).isTrue();
        assertThat(d.serversByKeys(List.of("k1", "k2")).join()).isEqualTo(Map.of("k2", "comet-a"));
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k2", "comet-a"));
        assertThat(d.removeSession(7, "k1", "comet-a").join()).isFalse();
    }

    @Test
    void shouldKeepNewerSessionWhenOldServerRemovesSameKey() {
        SessionDirectory d = directory(LONG);
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(7, "k1", "comet-b").join(); // the client reconnected elsewhere with the same key
        assertThat(d.removeSession(7, "k1", "comet-a").join()).isFalse();
        assertThat(d.serversByKeys(List.of("k1")).join()).isEqualTo(Map.of("k1", "comet-b"));
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-b"));
    }

    @Test
    void shouldRefreshOnlyLiveRoutesOfTheSameServer() {
        SessionDirectory d = directory(LONG);
        assertThat(d.refreshSession(7, "k1", "comet-a").join()).isFalse();
        d.addSession(7, "k1", "comet-a").join();
        assertThat(d.refreshSession(7, "k1", "comet-a").join()).isTrue();
        assertThat(d.refreshSession(7, "k1", "comet-b").join()).isFalse();
        assertThat(d.serversByKeys(List.of("k1")).join()).isEqualTo(Map.of("k1", "comet-a"));
    }

    @Test
    void shouldExpireRoutesWithoutRefreshAndKeepRefreshedOnes() throws InterruptedException {
        SessionDirectory d = directory(Duration.ofMillis(1500));
        d.addSession(7, "kept", "comet-a").join();
        d.addSession(8, "dropped", "comet-a").join();
        Thread.sleep(900);
        assertThat(d.refreshSession(7, "kept", "comet-a").join()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.serversByKeys(List.of("dropped")).join().isEmpty());
        assertThat(d.serversByKeys(List.of("kept")).join()).isEqualTo(Map.of("kept", "comet-a"));
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("kept", "comet-a"));
        assertThat(d.keysByMids(List.of(8L)).join()).isEmpty();
        assertThat(d.sessionTtl()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void shouldNotReturnMemberSessionWhoseRouteExpiredWhileAnotherSessionLives() throws InterruptedException {
        SessionDirectory d = directory(Duration.ofMillis(1500));
        d.addSession(7, "alive", "comet-a").join();
        d.addSession(7, "crashed", "comet-b").join(); // its comet dies: no Disconnect, no more heartbeats
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!d.serversByKeys(List.of("crashed")).join().isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            assertThat(d.refreshSession(7, "alive", "comet-a").join()).isTrue();
            Thread.sleep(300);
        }
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("alive", "comet-a"));
    }

    @Test
    void shouldReplaceOnlineReportPerServer() {
        SessionDirectory d = directory(LONG);
        d.putOnline("comet-a", Map.of("live://1", 3, "live://2", 1), LONG).join();
        d.putOnline("comet-b", Map.of("live://1", 5), LONG).join();
        d.putOnline("comet-a", Map.of("live://1", 4), LONG).join(); // live://2 emptied: no stale room
        assertThat(d.onlines().join()).isEqualTo(Map.of(
                "comet-a", Map.of("live://1", 4),
                "comet-b", Map.of("live://1", 5)));
    }

    @Test
    void shouldDropOnlineReportOfServerThatStoppedReporting() {
        SessionDirectory d = directory(LONG);
        d.putOnline("comet-a", Map.of("live://1", 3), Duration.ofMillis(400)).join();
        d.putOnline("comet-b", Map.of("live://1", 5), LONG).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> !d.onlines().join().containsKey("comet-a"));
        assertThat(d.onlines().join()).isEqualTo(Map.of("comet-b", Map.of("live://1", 5)));
    }

    @Test
    void shouldKeepOneNonEmptyStoreEpochWhileItKeepsItsData() {
        SessionDirectory d = directory(LONG);
        String epoch = d.storeEpoch().join();
        assertThat(epoch).isNotEmpty();
        d.addSession(7, "k1", "comet-a").join();
        assertThat(d.storeEpoch().join()).isEqualTo(epoch);
    }

    /** Tenant views (docs/operations.md, Tenants): member 7 of one tenant is not member 7 of another. */
    @Test
    void shouldKeepEachTenantsMembersApart() {
        SessionDirectory d = directory(LONG);
        SessionDirectory load = d.forTenant("loadtest");
        assertThat(d.forTenant("loadtest")).isSameAs(load);
        assertThat(d.forTenant("")).isSameAs(d);
        assertThat(load.forTenant("")).isSameAs(d);
        String loadKey = "loadtest\u001fk1";
        d.addSession(7, "k1", "comet-a").join();
        load.addSession(7, loadKey, "comet-b").join();
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-a"));
        assertThat(load.keysByMids(List.of(7L)).join()).isEqualTo(Map.of(loadKey, "comet-b"));
        assertThat(d.forTenant("staging").keysByMids(List.of(7L)).join()).isEmpty();
        assertThat(load.serversByKeys(List.of(loadKey, "k1")).join().get(loadKey)).isEqualTo("comet-b");
        assertThat(load.refreshSession(7, loadKey, "comet-b").join()).isTrue();
        assertThat(load.removeSession(7, loadKey, "comet-b").join()).isTrue();
        assertThat(load.keysByMids(List.of(7L)).join()).isEmpty();
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-a"));
    }

    /**
     * Issue 19: 15,000 sessions of one comet close at once (and connect at once before): every add and every removal
     * is applied, none refused, whatever the store's own queue bound (Redis: lettuce's 10,000 commands, which 60,000
     * adds' commands and 30,000 removals' scripts would overflow if issued together).
     */
    @Test
    @Timeout(120)
    void shouldApplyEveryWriteOfAConnectAndDisconnectStorm() {
        SessionDirectory d = directory(LONG);
        int n = 15_000;
        List<java.util.concurrent.CompletableFuture<?>> adds = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            adds.add(d.addSession(i % 3 == 0 ? 0 : 1_000 + i / 2, "storm-" + i, "comet-a"));
        }
        java.util.concurrent.CompletableFuture.allOf(adds.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                .join();
        List<String> keys = new java.util.ArrayList<>(n);
        List<Long> mids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add("storm-" + i);
            if (i % 3 != 0) {
                mids.add(1_000L + i / 2);
            }
        }
        assertThat(routed(d, keys)).isEqualTo(n);
        List<java.util.concurrent.CompletableFuture<Boolean>> removals = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            removals.add(d.removeSession(i % 3 == 0 ? 0 : 1_000 + i / 2, "storm-" + i, "comet-a"));
        }
        // every removal completes (none refused); "removed" may be false for one started again after a timeout
        // that Redis had carried out after all, so the routes themselves are what is checked
        java.util.concurrent.CompletableFuture.allOf(removals.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                .join();
        assertThat(routed(d, keys)).isZero();
        for (int i = 0; i < mids.size(); i += 1_000) {
            assertThat(d.keysByMids(mids.subList(i, Math.min(mids.size(), i + 1_000))).join()).isEmpty();
        }
    }

    /** How many of {@code keys} are routed, read 1,000 at a time (reads do not go through the write queue). */
    private static int routed(SessionDirectory d, List<String> keys) {
        int n = 0;
        for (int i = 0; i < keys.size(); i += 1_000) {
            n += d.serversByKeys(keys.subList(i, Math.min(keys.size(), i + 1_000))).join().size();
        }
        return n;
    }

    @Test
    void shouldNotAddARouteWhoseCallerGaveUp() {
        SessionDirectory d = directory(LONG);
        java.util.concurrent.CompletableFuture<Void> late = d.addSession(7, "late", "comet-a", System.nanoTime() - 1);
        assertThat(catchThrowable(late::join)).hasCauseInstanceOf(io.jgoim.protocol.JgoimException.class)
                .satisfies(e -> assertThat(((io.jgoim.protocol.JgoimException) e.getCause()).code())
                        .isEqualTo(io.jgoim.protocol.ErrorCode.TIMEOUT));
        d.addSession(8, "in-time", "comet-a", System.nanoTime() + 60_000_000_000L).join();
        assertThat(d.serversByKeys(List.of("late", "in-time")).join()).isEqualTo(Map.of("in-time", "comet-a"));
    }
}
