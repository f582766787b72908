package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the store epoch in logic's RenewOnline reply changes, the comet routes every session again (one logic
 * Heartbeat each) at {@code online.reannounceRate}; an unchanged or empty epoch does nothing. Real comet and client
 * sockets; the logic twin's epoch switch plays the store loss (the Redis case is {@link StoreRestartReannounceIT}).
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class RouteReannounceIT {
    private final LogicTwin logic = LogicTwin.create().heartbeatSeconds(0);
    private final List<TestClient> clients = new ArrayList<>();
    private CometServer comet;

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        if (comet != null) {
            comet.close();
        }
        logic.close();
    }

    private void start(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("JGOIM_WSS_ENABLED", "false", "JGOIM_TCP_TLS_ENABLED", "false",
                "JGOIM_ONLINE_REPORT_INTERVAL", "100ms"));
        all.putAll(env);
        comet = new CometServer(TestConfigs.ephemeral(all), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    private void connect(int sessions) throws Exception {
        for (int i = 0; i < sessions; i++) {
            TestClient c = TestClient.connect(Mode.TCP, comet);
            clients.add(c);
            c.auth(1, CometSessionIT.token(100 + i, "re-" + i, "live://re"));
        }
        for (TestClient c : clients) {
            assertThat(TestClient.op(c.next(5000))).isEqualTo(Op.AUTH_REPLY);
        }
        await().until(() -> comet.sessionCount() == sessions);
    }

    /** Waits for {@code n} more reports; each one's reply has been handled before the next is sent. */
    private void awaitReports(int n) {
        int target = logic.onlineReports().size() + n;
        await().atMost(Duration.ofSeconds(5)).until(() -> logic.onlineReports().size() >= target);
    }

    private Set<String> reannouncedKeys(int from) {
        // A snapshot: the comet keeps announcing while the test reads (a live sub-list of the twin's list throws).
        List<HeartbeatReq> all = List.copyOf(logic.heartbeats());
        return all.subList(from, all.size()).stream().map(HeartbeatReq::getKey).collect(Collectors.toSet());
    }

    private static Set<String> keys(int sessions) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < sessions; i++) {
            out.add("re-" + i);
        }
        return out;
    }

    @Test
    void shouldReannounceNothingWhileTheEpochStaysOrIsEmptyAndEverySessionWhenItChanges() throws Exception {
        start(Map.of());
        connect(3);
        awaitReports(5);
        assertThat(logic.heartbeats()).as("the same epoch report after report").isEmpty();

        logic.storeEpoch("");
        awaitReports(5);
        logic.storeEpoch(null);
        awaitReports(5);
        assertThat(logic.heartbeats()).as("an older logic without an epoch, then the same epoch again").isEmpty();
        assertThat(comet.metrics().storeEpochChanges()).isZero();
        assertThat(comet.metrics().sessionsReannounced()).isZero();

        logic.storeEpoch("lost-once");
        await().atMost(Duration.ofSeconds(5)).until(() -> reannouncedKeys(0).equals(keys(3)));
        await().until(() -> comet.metrics().sessionsReannounced() == 3);
        assertThat(comet.metrics().storeEpochChanges()).isEqualTo(1);
        assertThat(logic.heartbeats()).allSatisfy(h -> assertThat(h.getServer()).isEqualTo(comet.config().node().id()));
        awaitReports(5);
        assertThat(logic.heartbeats()).as("once per change").hasSize(3);
        assertThat(comet.sessionCount()).isEqualTo(3);
        assertThat(logic.disconnects()).isEmpty();
    }

    @Test
    void shouldPaceTheReannounceAtTheConfiguredRateAndRestartItOnANewChange() throws Exception {
        start(Map.of("JGOIM_ONLINE_REANNOUNCE_RATE", "50"));
        connect(100);
        awaitReports(2);

        logic.storeEpoch("lost-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> !logic.heartbeats().isEmpty());
        long t0 = System.nanoTime();
        Thread.sleep(500);
        assertThat(logic.heartbeats().size()).as("50/s: not all 100 within the first 0.5 s").isLessThan(60);
        await().atMost(Duration.ofSeconds(15)).until(() -> reannouncedKeys(0).equals(keys(100)));
        assertThat(System.nanoTime() - t0).as("100 sessions at 50/s").isGreaterThan(1_500_000_000L);
        assertThat(comet.metrics().storeEpochChanges()).isEqualTo(1);
        awaitReports(3);
        int afterFirst = logic.heartbeats().size();
        assertThat(afterFirst).as("each session once").isEqualTo(100);

        // A loss while the re-announce runs starts it over: the sessions already announced are announced again.
        logic.storeEpoch("lost-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> logic.heartbeats().size() > afterFirst + 20);
        int beforeRestart = logic.heartbeats().size();
        logic.storeEpoch("lost-3");
        await().atMost(Duration.ofSeconds(15)).until(() -> reannouncedKeys(beforeRestart).equals(keys(100)));
        assertThat(comet.metrics().storeEpochChanges()).isEqualTo(3);
        assertThat(comet.sessionCount()).isEqualTo(100);
        assertThat(logic.disconnects()).isEmpty();
    }
}
