package io.jgoim.comet.session;

import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Disconnect of an earlier session that reaches logic after a newer session with the same key on the same comet
 * wrote its route removes that route (the removal is conditional on key and comet only). The comet announces the live
 * session's route again when the key's last Disconnect ends, and for a Connect accepted just after one ended.
 */
class LateDisconnectRepairTest {
    private static final String COMET = "comet-a";

    /** The comet's live sessions (key -> mid), and a repair as SessionServices does it: a logic Heartbeat. */
    private static final class Comet {
        final ConcurrentHashMap<String, Long> live = new ConcurrentHashMap<>();
        final Set<String> repairs = ConcurrentHashMap.newKeySet();
        final LogicTwin logic;

        Comet(LogicTwin logic) {
            this.logic = logic;
        }

        boolean repair(String key) {
            Long mid = live.get(key);
            if (mid == null) {
                return false;
            }
            repairs.add(key);
            logic.heartbeat(HeartbeatReq.newBuilder().setMid(mid).setKey(key).setServer(COMET).build());
            return true;
        }
    }

    private static DisconnectReq req(long mid, String key) {
        return DisconnectReq.newBuilder().setMid(mid).setKey(key).setServer(COMET).build();
    }

    @Test
    void aDisconnectThatLandsAfterTheNewerSessionsConnectDoesNotLeaveItWithoutARoute() {
        try (LogicTwin logic = LogicTwin.create()) {
            Comet comet = new Comet(logic);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            LogicDisconnects d = new LogicDisconnects(logic, 8, 10_000, meters, comet::repair,
                    TimeUnit.SECONDS.toNanos(2));
            logic.directory().addSession(10, "k10", COMET).join(); // session A
            logic.down(ErrorCode.UNAVAILABLE); // logic's Redis stalls: A's Disconnect fails and is retried
            d.submit(req(10, "k10"));
            await().atMost(Duration.ofSeconds(10)).until(() -> logic.disconnects().size() >= 1);

            // session C: the same device reconnects to this comet; its Connect lands while A's Disconnect waits
            logic.directory().addSession(10, "k10", COMET).join();
            comet.live.put("k10", 10L);
            assertThat(d.routeWritten("k10")).as("A's Disconnect still pending: its end repairs").isFalse();

            logic.down(null); // A's retried Disconnect now removes the route C wrote ...
            await().atMost(Duration.ofSeconds(20)).until(() -> d.pending() == 0);
            // ... and its end announces C's route again
            await().atMost(Duration.ofSeconds(10)).until(() -> COMET.equals(logic.serverOf("k10")));
            assertThat(logic.directory().serversByKeys(List.of("k10")).join()).containsEntry("k10", COMET);
            assertThat(comet.repairs).containsExactly("k10");
            assertThat(meters.get("jgoim.comet.routes.repaired").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void aConnectAcceptedJustAfterADisconnectOfItsKeyEndedIsRepairedAndNothingIsKeptLater() {
        try (LogicTwin logic = LogicTwin.create()) {
            Comet comet = new Comet(logic);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            LogicDisconnects d = new LogicDisconnects(logic, 8, 10_000, meters, comet::repair,
                    TimeUnit.MILLISECONDS.toNanos(500));
            logic.directory().addSession(7, "k7", COMET).join();
            d.submit(req(7, "k7")); // A closed: the removal ends at once, no live session with k7: no repair
            await().atMost(Duration.ofSeconds(10)).until(() -> d.pending() == 0);
            assertThat(comet.repairs).isEmpty();
            assertThat(meters.get("jgoim.comet.routes.repaired").counter().count()).isZero();
            // C's Connect was answered right after: it may have been at logic with A's Disconnect
            assertThat(d.routeWritten("k7")).isTrue();
            assertThat(d.routeWritten("other")).isFalse();
            // past the window nothing is tracked
            await().atMost(Duration.ofSeconds(10)).until(() -> d.trackedKeys() == 0);
            assertThat(d.routeWritten("k7")).isFalse();
        }
    }
}
