package io.jgoim.server;

import io.jgoim.loadtest.ConnectOptions;
import io.jgoim.loadtest.ConnectScenario;
import io.jgoim.loadtest.ConnectWindow;
import io.jgoim.loadtest.LoadtestMain;
import io.jgoim.loadtest.PushOptions;
import io.jgoim.loadtest.PushScenario;
import io.jgoim.loadtest.PushTarget;
import io.jgoim.loadtest.RoomBroadcastOptions;
import io.jgoim.loadtest.RoomBroadcastScenario;
import io.jgoim.loadtest.Sample;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.SessionOptions;
import io.jgoim.loadtest.TransportMix;
import io.jgoim.loadtest.report.ReportWriter;
import io.jgoim.protocol.CloseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load tool's scenarios and CLI against the real standalone server (comet + logic + job in this JVM, pushes
 * through logic's HTTP API). Server-side counts come from logic's and job's meters; closes and drops are done to the
 * comet's own sessions ({@link StandaloneProbe}).
 */
@ExtendWith(LeakCheck.class)
@Timeout(90)
class ScenariosIT {
    private StandaloneProbe server;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = StandaloneProbe.start(dir, false);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SessionOptions sessions(int n) throws Exception {
        List<InetAddress> sources = List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"),
                InetAddress.getByName("127.0.0.3"), InetAddress.getByName("127.0.0.4"));
        return SessionOptions.defaults().withPorts(server.tcpPort(), server.wsPort()).withSessions(n, 1000)
                .withTransport(TransportMix.MIX).withSourceAddresses(sources);
    }

    private URI http() {
        return server.http();
    }

    /** The members the sessions of {@code o} authenticate as. */
    private static List<Long> mids(SessionOptions o) {
        return StandaloneProbe.mids(o.midBase(), o.sessions());
    }

    @Test
    void connectShouldOpenHoldAndCountEverySession() throws Exception {
        long pid = ProcessHandle.current().pid();
        SessionOptions o = sessions(200);
        // the peers of the sessions, read on the server while they are held
        CompletableFuture<Set<String>> remoteHosts = CompletableFuture.supplyAsync(() -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 200);
            return server.remoteHosts(mids(o));
        });

        ScenarioResult r = ConnectScenario.run(new ConnectOptions(o, Duration.ofSeconds(2), pid, true));

        assertThat(r.count("sessions.attempted")).isEqualTo(200);
        assertThat(r.count("sessions.connected")).isEqualTo(200);
        assertThat(r.count("sessions.held")).isEqualTo(200);
        assertThat(r.count("sessions.dropped")).isZero();
        assertThat(r.failures()).isEmpty();
        assertThat(r.latency("connect").count()).isEqualTo(200);
        assertThat(r.latency("auth").count()).isEqualTo(200);
        assertThat(server.authCount()).isEqualTo(200);
        assertThat(remoteHosts.get()).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2", "127.0.0.3",
                "127.0.0.4");
        assertThat(r.samples()).isNotEmpty();
        assertThat(r.samples().stream().mapToLong(Sample::sessions).max().orElse(0)).isEqualTo(200);
        assertThat(r.server().pid()).isEqualTo(pid);
        assertThat(r.server().rssBeforeKb()).isPositive();
        assertThat(r.server().cpuSeconds()).isPositive();
        assertThat(r.server().heapBeforeKb()).isPositive();
        assertThat(r.server().heapHeldKb()).isPositive();
        assertThat(r.server().heapBytesPerSession()).isNotEqualTo(-1);
        // the measured window: open loop at 1000/s, so the last of 200 sessions started 199 ms after the first
        ConnectWindow w = r.window();
        assertThat(w.authenticated()).isEqualTo(200);
        assertThat(w.seconds()).isBetween(0.198, 5.0);
        assertThat(w.perSecond()).isBetween(40.0, 1010.0);
        assertThat(w.toolCpuSeconds()).isPositive();
        assertThat(w.serverCpuSeconds()).isGreaterThanOrEqualTo(0);
        // the tool's CPU in the window by thread pool: the client event loops are among them
        assertThat(w.toolThreadsCpuSeconds()).isNotEmpty();
        assertThat(w.toolThreadsCpuSeconds().keySet()).anyMatch(k -> k.startsWith("jgoim-client"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
    }

    @Test
    void connectShouldOpenTlsSessionsOverBothTransports(@TempDir Path dir) throws Exception {
        // the comet's own TLS listeners, with the self-signed certificate it makes when none is configured
        try (StandaloneProbe tls = StandaloneProbe.start(dir, true)) {
            SessionOptions o = SessionOptions.defaults().withPorts(tls.tcpTlsPort(), tls.wssPort())
                    .withSessions(40, 500).withTransport(TransportMix.MIX).withTls(true);

            ScenarioResult r = ConnectScenario.run(new ConnectOptions(o, Duration.ofMillis(200), 0));

            assertThat(r.failures()).isEmpty();
            assertThat(r.count("sessions.held")).isEqualTo(40);
            assertThat(r.latency("ready").count()).isEqualTo(40);
            assertThat(r.parameters()).containsEntry("tls", true);
        }
    }

    @Test
    void connectShouldWarmUpWithoutMeasuringTheWarmupSessions() throws Exception {
        ScenarioResult r = ConnectScenario.run(new ConnectOptions(sessions(20).withWarmup(30), Duration.ZERO, 0));

        assertThat(server.authCount()).isEqualTo(50);
        assertThat(r.count("sessions.attempted")).isEqualTo(20);
        assertThat(r.count("sessions.held")).isEqualTo(20);
        assertThat(r.latency("ready").count()).isEqualTo(20);
        assertThat(r.parameters()).containsEntry("warmup", 30);
    }

    @Test
    void connectShouldCountFailuresByReason() {
        SessionOptions toNowhere = SessionOptions.defaults().withPorts(1, 1).withSessions(20, 1000);

        ScenarioResult r = ConnectScenario.run(new ConnectOptions(toNowhere, Duration.ZERO, 0));

        assertThat(r.count("sessions.attempted")).isEqualTo(20);
        assertThat(r.count("sessions.connected")).isZero();
        assertThat(r.count("sessions.held")).isZero();
        assertThat(r.failures()).containsExactlyEntriesOf(java.util.Map.of("connect refused", 20L));
    }

    @Test
    void connectShouldCountSessionsTheServerDrops() throws Exception {
        SessionOptions o = sessions(50);
        Thread dropper = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.sessionCount() < 50 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            server.closeAll(mids(o), CloseCode.KICKED);
        });
        dropper.start();

        ScenarioResult r = ConnectScenario.run(new ConnectOptions(o, Duration.ofSeconds(2), 0));
        dropper.join();

        assertThat(r.count("sessions.connected")).isEqualTo(50);
        assertThat(r.count("sessions.dropped")).isEqualTo(50);
        assertThat(r.count("sessions.held")).isZero();
        assertThat(r.failures()).containsEntry("dropped: close 4502 KICKED", 50L);
    }

    @Test
    void pushShouldDriveTheHttpApiAtTheConfiguredRate() {
        PushOptions o = PushOptions.room(http(), "live", "1000", 200, Duration.ofSeconds(2));

        ScenarioResult r = PushScenario.run(o);

        assertThat(r.count("messages.sent")).isEqualTo(400);
        assertThat(r.count("messages.accepted")).isEqualTo(400);
        assertThat(r.failures()).isEmpty();
        assertThat(r.latency("push").count()).isEqualTo(400);
    }

    @Test
    void pushShouldMeasureOnlyAfterItsPrewarm() {
        PushOptions o = new PushOptions(http(), PushTarget.MIDS, null, null, List.of(1L), List.of(), 1000, 50,
                Duration.ofSeconds(1), 64, 100, 1, 0, 1);
        long before = System.currentTimeMillis();

        ScenarioResult r = PushScenario.run(o, Duration.ofSeconds(1));

        // 50 warm-up requests went first and are in no count; the measurement starts after them
        assertThat(r.count("messages.sent")).isEqualTo(50);
        assertThat(r.count("messages.accepted")).isEqualTo(50);
        assertThat(r.latency("push").count()).isEqualTo(50);
        assertThat(java.time.Instant.parse(r.startedAt()).toEpochMilli() - before).isGreaterThanOrEqualTo(900);
    }

    @Test
    void pushShouldCountRefusedRequests() {
        PushOptions o = new PushOptions(http(), PushTarget.MIDS, null, null, List.of(1L), List.of(), 1000, 50,
                Duration.ofSeconds(1), 64, 100, 1, 0, 3);
        PushOptions bad = new PushOptions(URI.create(http() + "/nope"), o.target(), null, null, o.mids(), List.of(),
                1000, 50, Duration.ofSeconds(1), 64, 100, 1, 0, 1);

        assertThat(PushScenario.run(o).count("messages.accepted")).isEqualTo(50);
        ScenarioResult r = PushScenario.run(bad);
        assertThat(r.count("messages.accepted")).isZero();
        assertThat(r.failures()).containsEntry("push: HTTP 404 code 404", 50L);
    }

    @Test
    void roomBroadcastShouldDeliverEveryMessageToEverySubscriberInOrder() throws Exception {
        PushOptions push = PushOptions.room(http(), "live", "1000", 100, Duration.ofSeconds(2));
        RoomBroadcastOptions o = new RoomBroadcastOptions(sessions(200), push, Duration.ofSeconds(5), true);

        ScenarioResult r = RoomBroadcastScenario.run(o);

        assertThat(r.count("sessions.subscribed")).isEqualTo(200);
        assertThat(r.count("messages.accepted")).isEqualTo(200);
        assertThat(r.count("messages.expected")).isEqualTo(40_000);
        assertThat(r.count("messages.delivered")).isEqualTo(40_000);
        assertThat(r.count("messages.distinct")).isEqualTo(40_000);
        assertThat(r.count("messages.lost")).isZero();
        assertThat(r.count("messages.duplicates")).isZero();
        assertThat(r.count("messages.outOfOrder")).isZero();
        assertThat(r.latency("e2e").count()).isEqualTo(40_000);
        assertThat(r.samples().stream().mapToLong(s -> s.rates().getOrDefault("messages.delivered", 0L)).sum())
                .isEqualTo(40_000);
    }

    @Test
    void roomBroadcastShouldDeliverPrewarmMessagesUnmeasuredBeforeTheMeasuredOnes() throws Exception {
        PushOptions push = PushOptions.room(http(), "live", "1000", 100, Duration.ofSeconds(1));
        RoomBroadcastOptions o = new RoomBroadcastOptions(sessions(50), push, Duration.ofSeconds(3), true,
                Duration.ofSeconds(1));

        ScenarioResult r = RoomBroadcastScenario.run(o);

        // 100 warm-up messages to each of 50 subscribers, counted apart; the measured run is exact as without them
        assertThat(r.count("messages.prewarm")).isEqualTo(50 * 100);
        assertThat(r.count("messages.accepted")).isEqualTo(100);
        assertThat(r.count("messages.expected")).isEqualTo(5_000);
        assertThat(r.count("messages.delivered")).isEqualTo(5_000);
        assertThat(r.count("messages.distinct")).isEqualTo(5_000);
        assertThat(r.count("messages.lost")).isZero();
        assertThat(r.count("messages.outOfOrder")).isZero();
        assertThat(r.count("messages.foreign")).isZero();
        assertThat(r.latency("e2e").count()).isEqualTo(5_000);
    }

    @Test
    void roomBroadcastShouldReportLossWhenSubscribersAreDropped() throws Exception {
        PushOptions push = PushOptions.room(http(), "live", "1000", 100, Duration.ofSeconds(2));
        RoomBroadcastOptions o = new RoomBroadcastOptions(sessions(20), push, Duration.ofSeconds(1), true);
        Thread dropper = new Thread(() -> {
            // a quarter of the 200 messages on their way to the 20 subscribers, then the link goes
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.roomMessagesDispatched() < 50 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            server.dropAll(mids(o.sessions()));
        });
        dropper.start();

        ScenarioResult r = RoomBroadcastScenario.run(o);

        assertThat(r.count("messages.accepted")).isEqualTo(200);
        assertThat(r.count("messages.lost")).isPositive();
        assertThat(r.count("messages.lost") + r.count("messages.distinct")).isEqualTo(20 * 200);
        assertThat(r.count("sessions.dropped")).isEqualTo(20);
    }

    @Test
    void cliShouldWriteTableJsonHistogramLogAndHtml(@TempDir Path out) throws Exception {
        int code = LoadtestMain.execute("connect", "--tcp-port", Integer.toString(server.tcpPort()),
                "--ws-port", Integer.toString(server.wsPort()), "--transport", "mix", "--sessions", "100",
                "--connect-rate", "1000", "--hold", "1s", "--out", out.toString(), "--name", "run");

        assertThat(code).isZero();
        ScenarioResult r = ReportWriter.readJson(out.resolve("run.json"));
        assertThat(r.count("sessions.held")).isEqualTo(100);
        assertThat(Files.readString(out.resolve("run.hlog"))).contains("Tag=connect", "Tag=auth");
        assertThat(Files.readString(out.resolve("run.html"))).contains("<svg");
    }

    @Test
    void cliShouldRefuseUnboundedOrBadOptions(@TempDir Path out) {
        assertThat(LoadtestMain.execute("connect", "--sessions", "2000000", "--out", out.toString())).isNotZero();
        assertThat(LoadtestMain.execute("connect", "--hold", "forever", "--out", out.toString())).isNotZero();
        assertThat(LoadtestMain.execute("nope")).isNotZero();
    }

    @Test
    void connectAcrossProcessesShouldMergeTheWorkersResults(@TempDir Path out) throws Exception {
        int code = LoadtestMain.execute("connect", "--tcp-port", Integer.toString(server.tcpPort()),
                "--ws-port", Integer.toString(server.wsPort()), "--sessions", "100", "--connect-rate", "500",
                "--source-ips", "127.0.0.1-127.0.0.4", "--hold", "2s", "--processes", "2", "--warmup", "40",
                "--server-pid",
                Long.toString(ProcessHandle.current().pid()), "--worker-jvm-opts", "-Xmx128m -XX:TieredStopAtLevel=1",
                "--out", out.toString(), "--name", "multi");

        assertThat(code).isZero();
        ScenarioResult r = ReportWriter.readJson(out.resolve("multi.json"));
        assertThat(r.processes()).isEqualTo(3);
        assertThat(r.count("sessions.attempted")).isEqualTo(100);
        assertThat(r.count("sessions.held")).isEqualTo(100);
        assertThat(r.latency("auth").count()).isEqualTo(100);
        assertThat(server.authCount()).isEqualTo(100 + 40); // and the 2 x 20 warm-up sessions
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
        assertThat(r.server().bytesPerSession()).isNotEqualTo(-1);
        assertThat(r.samples().stream().mapToLong(Sample::sessions).max().orElse(0)).isEqualTo(100);
        // both workers warmed up, then started on the parent's GO: one window over both (50 sessions each at
        // 250/s), not two windows that JVM start-up set apart
        ConnectWindow w = r.window();
        assertThat(w.authenticated()).isEqualTo(100);
        assertThat(w.seconds()).isBetween(0.195, 3.0);
        assertThat(w.toolCpuSeconds()).isPositive();
        assertThat(w.serverCpuSeconds()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void roomBroadcastAcrossProcessesShouldMergeDeliveriesAndComputeLoss(@TempDir Path out) throws Exception {
        int code = LoadtestMain.execute("room-broadcast", "--tcp-port", Integer.toString(server.tcpPort()),
                "--ws-port", Integer.toString(server.wsPort()), "--transport", "mix", "--sessions", "60",
                "--http", http().toString(), "--rate", "50", "--duration", "2s", "--grace", "1s",
                "--processes", "2", "--worker-jvm-opts", "-Xmx128m -XX:TieredStopAtLevel=1",
                "--out", out.toString(), "--name", "rb");

        assertThat(code).isZero();
        ScenarioResult r = ReportWriter.readJson(out.resolve("rb.json"));
        assertThat(r.count("sessions.subscribed")).isEqualTo(60);
        assertThat(r.count("messages.accepted")).isEqualTo(100);
        assertThat(r.count("messages.expected")).isEqualTo(6000);
        assertThat(r.count("messages.distinct")).isEqualTo(6000);
        assertThat(r.count("messages.lost")).isZero();
        assertThat(r.latency("e2e").count()).isEqualTo(6000);
        assertThat(r.latency("push").count()).isEqualTo(100);
    }
}
