package io.jgoim.server;

import io.jgoim.client.Transport;
import io.jgoim.loadtest.LoadtestMain;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.report.ReportWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load tool as a declared tenant across processes: {@code room-broadcast --tenant acme --processes 2} against a
 * standalone declaring {@code acme}. Every worker JVM runs as the tenant: all the run's sessions are routed in acme's
 * namespace (logic and comet count them under acme, none under the default tenant), every one gets every push of the
 * run (the pushes are acme's: a session of another tenant would get none and show as loss), and a default-tenant
 * session in the same room name gets none of them. The comet's and job's tenant meters count the run under acme.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LoadtestTenantIT {
    private static final int SESSIONS = 40;
    private static final int PUSHES = 40; // 20/s for 2 s

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;
    private StandaloneServer server;

    @BeforeEach
    void start() throws Exception {
        fixture = StandaloneWithClients.in(dir).logic("tenants: {declared: [acme]}").start();
        server = fixture.server();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private double counter(String name, String tenant) {
        Counter c = server.meters().find(name).tag("tenant", tenant).counter();
        assertThat(c).as(name + "{tenant=" + tenant + "} registered at start").isNotNull();
        return c.count();
    }

    @Test
    void aMultiProcessRunShouldCarryItsTenantIntoEveryWorker(@TempDir Path out) throws Exception {
        assertThat(counter("jgoim_comet_tenant_pushes_delivered", "acme")).isZero();
        assertThat(counter("jgoim.job.tenant.pushes", "acme")).isZero();
        Pushes got = new Pushes();
        fixture.connect(fixture.client(Transport.TCP).goimToken(1, "probe", "live://1000", "test", 1000)
                .heartbeatInterval(Duration.ofSeconds(5)).listener(got));

        int code = LoadtestMain.execute("room-broadcast",
                "--tcp-port", Integer.toString(fixture.tcpPort()),
                "--ws-port", Integer.toString(fixture.wsPort()),
                "--transport", "mix", "--sessions", Integer.toString(SESSIONS),
                "--http", fixture.api(),
                "--rate", "20", "--duration", "2s", "--grace", "1s", "--tenant", "acme",
                "--processes", "2", "--worker-jvm-opts", "-Xmx128m -XX:TieredStopAtLevel=1",
                "--out", out.toString(), "--name", "tenant-rb");

        assertThat(code).isZero();
        ScenarioResult r = ReportWriter.readJson(out.resolve("tenant-rb.json"));
        assertThat(r.count("sessions.subscribed")).isEqualTo(SESSIONS);
        assertThat(r.count("messages.accepted")).isEqualTo(PUSHES);
        assertThat(r.count("messages.expected")).isEqualTo((long) SESSIONS * PUSHES);
        assertThat(r.count("messages.distinct")).as("every worker's sessions got every acme push")
                .isEqualTo((long) SESSIONS * PUSHES);
        assertThat(r.count("messages.lost")).isZero();

        // Every session of both workers was acme's; the only default-tenant session is the probe.
        assertThat(counter("jgoim.logic.tenant.sessions.connected", "acme")).isEqualTo(SESSIONS);
        assertThat(counter("jgoim.logic.tenant.sessions.connected", "default")).isEqualTo(1);
        assertThat(counter("jgoim.logic.tenant.pushes", "acme")).isEqualTo(PUSHES);
        assertThat(counter("jgoim.job.tenant.pushes", "acme")).isEqualTo(PUSHES);
        assertThat(counter("jgoim.job.tenant.pushes", "default")).isZero();
        // Frames handed to sessions: a room batch is one frame per session however many pushes it holds.
        double frames = counter("jgoim_comet_tenant_pushes_delivered", "acme");
        assertThat(frames).isBetween((double) SESSIONS, (double) SESSIONS * PUSHES);
        assertThat(counter("jgoim.job.tenant.sessions.delivered", "acme")).as("what the comet reported to job")
                .isEqualTo(frames);
        assertThat(counter("jgoim_comet_tenant_pushes_delivered", "default")).isZero();
        assertThat(counter("jgoim_comet_tenant_pushes_delivered", "other")).isZero();
        assertThat(got.received).as("the default tenant's session in live://1000 got none of acme's pushes")
                .isEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> server.comet().index().sessionCount() == 1);
        Gauge acme = server.meters().find("jgoim_comet_tenant_sessions").tag("tenant", "acme").gauge();
        Gauge dflt = server.meters().find("jgoim_comet_tenant_sessions").tag("tenant", "default").gauge();
        assertThat(acme.value()).as("acme's sessions all gone").isZero();
        assertThat(dflt.value()).as("the probe").isEqualTo(1);
    }
}
