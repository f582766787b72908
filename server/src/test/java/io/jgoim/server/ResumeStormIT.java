package io.jgoim.server;

import io.jgoim.loadtest.LoadtestMain;
import io.jgoim.loadtest.PushOptions;
import io.jgoim.loadtest.ResumeStormOptions;
import io.jgoim.loadtest.ResumeStormScenario;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.SessionOptions;
import io.jgoim.loadtest.TransportMix;
import io.jgoim.loadtest.report.ReportWriter;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load tool's resume storm against the real standalone server: position-aware sessions of one room lose their
 * link together (cut on the client side, the SDK reconnects with its positions), miss messages, and come back spread
 * over a window; every one must recover all it missed, in order, once, while the comet reads the store about once
 * for all of them (single flight and its recent messages of the room), as its own metrics page says.
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class ResumeStormIT {
    private StandaloneProbe server;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = StandaloneProbe.start(dir, false);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ResumeStormOptions storm(int sessions, int missed, Duration window, boolean memberStreams)
            throws Exception {
        SessionOptions s = SessionOptions.defaults().withPorts(server.tcpPort(), server.wsPort())
                .withSessions(sessions, 1000).withTransport(TransportMix.MIX)
                .withSourceAddresses(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2")));
        PushOptions push = PushOptions.room(server.http(), "live", "1000", 500, Duration.ofSeconds(1));
        return new ResumeStormOptions(s, push, 3, missed, Duration.ofSeconds(1), window, sessions, memberStreams,
                Duration.ofSeconds(10), true, URI.create(server.http() + "/metrics"));
    }

    @Test
    void everySessionShouldRecoverWhatItMissedWithAboutOneStoreReadForTheRoom() throws Exception {
        ScenarioResult r = ResumeStormScenario.run(storm(200, 20, Duration.ofSeconds(2), false));

        assertThat(r.failures()).isEmpty();
        assertThat(r.count("sessions.subscribed")).isEqualTo(200);
        assertThat(r.count("sessions.cut")).isEqualTo(200);
        assertThat(r.count("sessions.dropped")).isZero();
        assertThat(r.count("resume.reconnected")).isEqualTo(200);
        assertThat(r.count("resume.recovered")).isEqualTo(200);
        assertThat(r.counts().keySet()).noneMatch(k -> k.startsWith("resume.notRecovered"));
        assertThat(r.count("resume.incomplete")).isZero();
        assertThat(r.count("messages.accepted")).isEqualTo(20);
        assertThat(r.count("messages.missed.expected")).isEqualTo(200 * 20);
        assertThat(r.count("messages.missed.received")).isEqualTo(200 * 20);
        assertThat(r.count("messages.duplicates")).isZero();
        assertThat(r.count("messages.gaps")).isZero();
        assertThat(r.count("messages.outOfOrder")).isZero();
        assertThat(r.count("messages.sequenceSkips")).isZero();
        assertThat(r.count("messages.beforeReconnect")).isZero();
        assertThat(r.latency("recover").count()).isEqualTo(200);
        assertThat(r.latency("reconnect").count()).isEqualTo(200);
        // 200 resumes of one room on one comet: the store is read once or twice, the rest share it
        assertThat(r.count("history.store")).isBetween(1L, 2L);
        assertThat(r.count("history.store") + r.count("history.cache") + r.count("history.joined"))
                .isGreaterThanOrEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
    }

    @Test
    void memberStreamsShouldCostOneStoreReadPerClient() throws Exception {
        ScenarioResult r = ResumeStormScenario.run(storm(40, 5, Duration.ofMillis(500), true));

        assertThat(r.failures()).isEmpty();
        assertThat(r.count("resume.recovered")).isEqualTo(40);
        assertThat(r.count("messages.missed.received")).isEqualTo(40 * 5);
        assertThat(r.count("messages.duplicates") + r.count("messages.gaps")).isZero();
        // each client's own member stream is read from the store; the room's about once
        assertThat(r.count("history.store")).isBetween(40L + 1, 40L + 2);
    }

    @Test
    void cliAcrossProcessesShouldMergeTheWorkersRecoveriesAndReadTheServersMetrics(@TempDir Path out)
            throws Exception {
        int code = LoadtestMain.execute("resume-storm", "--tcp-port", Integer.toString(server.tcpPort()),
                "--ws-port", Integer.toString(server.wsPort()), "--sessions", "60", "--connect-rate", "500",
                "--source-ips", "127.0.0.1-127.0.0.2", "--http", server.http().toString(), "--rate", "500",
                "--missed", "10", "--seed-messages", "2", "--away", "2s", "--window", "1s", "--grace", "10s",
                "--processes", "2", "--worker-jvm-opts", "-Xmx128m -XX:TieredStopAtLevel=1",
                "--out", out.toString(), "--name", "storm");

        assertThat(code).isZero();
        ScenarioResult r = ReportWriter.readJson(out.resolve("storm.json"));
        assertThat(r.processes()).isEqualTo(3);
        assertThat(r.failures()).isEmpty();
        assertThat(r.count("sessions.cut")).isEqualTo(60);
        assertThat(r.count("resume.recovered")).isEqualTo(60);
        assertThat(r.count("messages.missed.received")).isEqualTo(600);
        assertThat(r.count("messages.duplicates") + r.count("messages.gaps")).isZero();
        assertThat(r.latency("recover").count()).isEqualTo(60);
        assertThat(r.count("history.store")).isBetween(1L, 2L);
    }
}
