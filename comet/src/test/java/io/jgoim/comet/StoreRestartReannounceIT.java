package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13: logic's Redis restarts empty and every session route is gone; the comet sees the new store epoch at its
 * next online report and routes its sessions again, without closing any. A real redis-server (killed and started
 * empty on the same port), the production Redis session directory under the logic twin, a real comet and clients.
 */
@Tag("redis")
@ExtendWith(LeakCheck.class)
@Timeout(90)
class StoreRestartReannounceIT {
    private static final int SESSIONS = 20;

    @Test
    void shouldRouteEverySessionAgainAfterRedisRestartsEmpty() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RedisClients clients = RedisClients.connect(List.of(redis.uri()), false, Duration.ofMillis(500), 10_000);
             LogicTwin logic = LogicTwin.over(new RedisSessionDirectory(clients, Duration.ofMinutes(30), null))
                     .heartbeatSeconds(0)) {
            CometServer comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_WSS_ENABLED", "false",
                    "JGOIM_TCP_TLS_ENABLED", "false", "JGOIM_ONLINE_REPORT_INTERVAL", "300ms")), logic, null,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            comet.start();
            String node = comet.config().node().id();
            List<TestClient> sessions = new ArrayList<>();
            try {
                for (int i = 0; i < SESSIONS; i++) {
                    TestClient c = TestClient.connect(i % 2 == 0 ? Mode.TCP : Mode.WS, comet);
                    sessions.add(c);
                    c.auth(1, CometSessionIT.token(500 + i, "store-" + i, "live://store"));
                    assertThat(TestClient.op(c.next(5000))).isEqualTo(Op.AUTH_REPLY);
                }
                assertThat(allRouted(logic, node)).as("routed at connect").isTrue();
                awaitReports(logic, 2);

                for (int loss = 1; loss <= 2; loss++) {
                    clients.async().set("sentinel", "before the restart").get();
                    redis.restart();
                    // The data is really gone (checked on a key of the test's own: the routes may be back already).
                    await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                            .until(() -> clients.async().exists("sentinel").get() == 0L);
                    final int expected = loss;
                    await().atMost(Duration.ofSeconds(10)).until(() -> allRouted(logic, node));
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> comet.metrics().sessionsReannounced() >= SESSIONS * expected);
                    assertThat(comet.metrics().storeEpochChanges()).isEqualTo(loss);
                    assertThat(comet.sessionCount()).as("no session was closed").isEqualTo(SESSIONS);
                    assertThat(sessions).allSatisfy(c -> assertThat(c.isActive()).isTrue());
                    for (CloseCode code : CloseCode.values()) {
                        assertThat(comet.metrics().closes(code)).as("closes %s", code).isZero();
                    }
                    assertThat(logic.disconnects()).isEmpty();
                    awaitReports(logic, 2);
                }
                assertThat(comet.metrics().storeEpochChanges()).as("one change per loss").isEqualTo(2);
            } finally {
                sessions.forEach(TestClient::close);
                comet.close();
            }
        }
    }

    private static boolean allRouted(LogicTwin logic, String node) {
        for (int i = 0; i < SESSIONS; i++) {
            String key = "store-" + i;
            if (!node.equals(logic.serverOf(key)) || !node.equals(logic.routesOf(500 + i).get(key))) {
                return false;
            }
        }
        return true;
    }

    private static void awaitReports(LogicTwin logic, int n) {
        int target = logic.onlineReports().size() + n;
        await().atMost(Duration.ofSeconds(5)).until(() -> logic.onlineReports().size() >= target);
    }
}
