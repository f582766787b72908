package io.jgoim.comet.session;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.ForwardingLogicService;
import io.jgoim.protocol.rpc.ThrottleTicket;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Found by fault injection on a real cluster (Redis paused during a reconnect ramp): a device's earlier session on this
 * comet closed, its Disconnect was held (logic's Redis slow), the device connected again to the same comet with the
 * same key, and the held Disconnect then removed the new session's route — conditional on key and comet only, which
 * the new session shares. Pushes to the member found no one while the session stayed connected. Now the end of the
 * held Disconnect announces the live session's route again. Real comet, real TCP clients, logic's twin with the
 * Disconnect held by the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateDisconnectIT {
    private final LogicTwin twin = LogicTwin.create().heartbeatSeconds(0);
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    private CometServer comet;

    @AfterEach
    void stop() {
        if (comet != null) {
            comet.close();
        }
        twin.close();
    }

    private static String token(String key) {
        return "{\"mid\":44,\"key\":\"" + key + "\",\"room_id\":\"live://1\",\"platform\":\"android\","
                + "\"accepts\":[1000]}";
    }

    private TestClient authed(String key) throws Exception {
        TestClient c = TestClient.connect(Mode.TCP, comet);
        c.auth(1, token(key));
        byte[] reply = c.next(3000);
        assertThat(reply).as("auth reply").isNotNull();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    @Test
    void aHeldDisconnectOfTheEarlierSessionLeavesTheNewSessionRouted() throws Exception {
        comet = new CometServer(TestConfigs.ephemeral(Map.of()), new ForwardingLogicService(twin) {
            @Override
            public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request, ThrottleTicket ticket) {
                // logic's Redis is slow: the removal reaches the store only when the test says so
                return release.thenCompose(v -> twin.disconnect(request, ticket));
            }
        }, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        String server = comet.config().node().id();

        TestClient first = authed("device-44");
        assertThat(twin.serverOf("device-44")).isEqualTo(server);
        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> comet.index().session("device-44") == null);

        TestClient second = authed("device-44"); // the device is back, on the same comet, with the same key
        assertThat(twin.serverOf("device-44")).isEqualTo(server);

        release.complete(null); // the first session's Disconnect lands now: after the second's Connect
        await().atMost(Duration.ofSeconds(10)).until(() -> twin.disconnects().size() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(twin.serverOf("device-44")).as("the live session's route").isEqualTo(server));
        assertThat(twin.directory().keysByMids(java.util.List.of(44L)).join()).containsEntry("device-44", server);
        assertThat(comet.index().session("device-44")).isNotNull();
        second.close();
    }
}
