package io.jgoim.comet.session;

import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogicDisconnectsTest {
    private static DisconnectReq req(int i) {
        return DisconnectReq.newBuilder().setMid(1_000 + i).setKey("k" + i).setServer("comet-a").build();
    }

    @Test
    void shouldRemoveEveryRouteOnceLogicIsBackAfterFailedAttempts() {
        try (LogicTwin logic = LogicTwin.create()) {
            for (int i = 0; i < 200; i++) {
                logic.directory().addSession(1_000 + i, "k" + i, "comet-a").join();
            }
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            LogicDisconnects d = new LogicDisconnects(logic, 8, 10_000, meters);
            logic.down(ErrorCode.UNAVAILABLE);
            for (int i = 0; i < 200; i++) {
                d.submit(req(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> logic.disconnects().size() >= 400);
            assertThat(logic.directory().serversByKeys(List.of("k0", "k199")).join()).hasSize(2);
            logic.down(null);
            await().atMost(Duration.ofSeconds(20)).until(() -> d.pending() == 0);
            for (int i = 0; i < 200; i++) {
                assertThat(logic.serverOf("k" + i)).as("k%d", i).isNull();
            }
            assertThat(meters.get("jgoim.comet.disconnects.retried").counter().count()).isGreaterThanOrEqualTo(200);
            assertThat(meters.get("jgoim.comet.disconnects.abandoned").counter().count()).isZero();
        }
    }
}
