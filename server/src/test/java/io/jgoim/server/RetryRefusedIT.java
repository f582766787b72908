package io.jgoim.server;

import io.jgoim.comet.limit.Refusal;
import io.jgoim.loadtest.ConnectOptions;
import io.jgoim.loadtest.ConnectScenario;
import io.jgoim.loadtest.RefusalRetry;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.SessionOptions;
import io.jgoim.loadtest.TransportMix;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool's {@code --retry-refused} against a real comet whose accept bucket is tiny (2 a second, burst 20):
 * a storm of 40 sessions in 4 ms gets 20 in at once and 20 refused with 4016 CONNECT_RATE_LIMITED (retry-after 1 s).
 * Without retries those 20 are lost; with them every session gets in, each retry at least the refusal's retry-after
 * later, every attempt and refusal counted, and logic sees exactly one Connect per session (refusals never reach it).
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class RetryRefusedIT {
    private static final int SESSIONS = 40;
    private static final int BURST = 20;
    private static final String REFUSED = "refused 4016 CONNECT_RATE_LIMITED";
    private StandaloneProbe server;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        // the node bucket alone: per-address limits and bans off (every session comes from 127.0.0.1)
        server = StandaloneProbe.start(dir, false, "  limits: {acceptRate: 2, acceptBurst: " + BURST
                + ", maxConnectionsPerIp: 0, connectRatePerIp: 0, authFailuresPerIp: 0}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * 40 sessions at 10,000/s: all offered within 4 ms, far less than the bucket's 500 ms per token, once this JVM's
     * client code is loaded: one session first (its token is back in the bucket a second later).
     */
    private SessionOptions storm() throws InterruptedException {
        ScenarioResult warm = ConnectScenario.run(new ConnectOptions(SessionOptions.defaults()
                .withPorts(server.tcpPort(), server.wsPort()).withSessions(1, 1),
                Duration.ZERO, 0));
        assertThat(warm.count("sessions.connected")).isEqualTo(1);
        Thread.sleep(1_500);
        return SessionOptions.defaults().withPorts(server.tcpPort(), server.wsPort()).withSessions(SESSIONS, 10_000)
                .withTransport(TransportMix.TCP);
    }

    private long acceptRefusals() {
        return (long) server.server().comet().limits().meters().refusals(Refusal.ACCEPT_RATE);
    }

    @Test
    void shouldLoseEveryRefusedSessionWithoutRetries() throws InterruptedException {
        ScenarioResult r = ConnectScenario.run(new ConnectOptions(storm(), Duration.ZERO, 0));

        assertThat(r.count("sessions.attempted")).isEqualTo(SESSIONS);
        assertThat(r.count("sessions.connected")).isEqualTo(BURST);
        assertThat(r.failures()).containsExactlyEntriesOf(Map.of("close 4016 CONNECT_RATE_LIMITED",
                (long) (SESSIONS - BURST)));
        assertThat(r.count("sessions.attempts")).isZero();
        assertThat(acceptRefusals()).isEqualTo(SESSIONS - BURST);
        assertThat(server.authCount()).isEqualTo(1 + BURST);
    }

    @Test
    void shouldAdmitEveryRefusedSessionOnALaterAttemptAndCountEachAttempt() throws InterruptedException {
        ConnectOptions o = new ConnectOptions(storm(), Duration.ZERO, 0, false,
                RefusalRetry.sdkDefaults(Duration.ofSeconds(60)));

        ScenarioResult r = ConnectScenario.run(o);

        assertThat(r.failures()).isEmpty();
        assertThat(r.count("sessions.attempted")).isEqualTo(SESSIONS);
        assertThat(r.count("sessions.connected")).isEqualTo(SESSIONS);
        assertThat(r.count("admitted.attempt.1")).isEqualTo(BURST);
        long admitted = 0;
        long attemptsOfAdmitted = 0;
        for (int k = 1; k <= 64; k++) {
            long n = r.count("admitted.attempt." + k);
            admitted += n;
            attemptsOfAdmitted += k * n;
        }
        assertThat(admitted).isEqualTo(SESSIONS);
        // every attempt either got in or was refused by the bucket, and the comet counted the same refusals
        long refusals = r.count(REFUSED);
        assertThat(refusals).isGreaterThanOrEqualTo(SESSIONS - BURST);
        assertThat(r.count("sessions.attempts")).isEqualTo(attemptsOfAdmitted).isEqualTo(SESSIONS + refusals);
        assertThat(acceptRefusals()).isEqualTo(refusals);
        assertThat(r.counts().keySet().stream().filter(k -> k.startsWith("refused "))).containsExactly(REFUSED);
        // refusals never reached logic: one Connect per session (and the warm-up's)
        assertThat(server.authCount()).isEqualTo(1 + SESSIONS);
        // the retried half (above the median) waited at least the refusal's retry-after (1 s) from its first start
        assertThat(r.latency("ready").count()).isEqualTo(SESSIONS);
        assertThat(r.latency("ready").p90()).isGreaterThanOrEqualTo(1_000_000);
        assertThat(r.parameters()).containsEntry("retryRefused", true);
    }
}
