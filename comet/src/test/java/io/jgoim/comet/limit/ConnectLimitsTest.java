package io.jgoim.comet.limit;

import io.jgoim.comet.TestConfigs;
import io.jgoim.comet.config.LimitsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectLimitsTest {
    private static final long SEC = TimeUnit.SECONDS.toNanos(1);

    private static LimitsConfig limits(Map<String, String> env) {
        return TestConfigs.ephemeral(env).limits();
    }

    @Test
    void shouldRegisterEveryMeterAtZeroAtStart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ConnectLimits(io.jgoim.comet.config.CometConfig.defaults().limits(), registry);
        for (Refusal r : Refusal.values()) {
            assertThat(registry.get("jgoim_comet_limit_refusals").tag("limit", r.label()).counter().count())
                    .isZero();
        }
        assertThat(registry.get("jgoim_comet_banned_ips").gauge().value()).isZero();
        assertThat(registry.get("jgoim_comet_ip_bans").counter().count()).isZero();
        assertThat(registry.get("jgoim_comet_ip_table_full").counter().count()).isZero();
    }

    @Test
    void shouldApplyTheAcceptBucketWithItsBurst() {
        AtomicLong now = new AtomicLong(100 * SEC);
        ConnectLimits l = new ConnectLimits(limits(Map.of("JGOIM_LIMITS_ACCEPT_RATE", "10",
                "JGOIM_LIMITS_ACCEPT_BURST", "3")), new SimpleMeterRegistry(), now::get);
        assertThat(l.acceptNode()).isNull();
        assertThat(l.acceptNode()).isNull();
        assertThat(l.acceptNode()).isNull();
        assertThat(l.acceptNode()).isEqualTo(Refusal.ACCEPT_RATE);
        now.addAndGet(SEC / 10);
        assertThat(l.acceptNode()).isNull();
        assertThat(l.acceptNode()).isEqualTo(Refusal.ACCEPT_RATE);
        assertThat(l.meters().refusals(Refusal.ACCEPT_RATE)).isEqualTo(2.0);
    }

    @Test
    void shouldNeverRefuseTheHeartbeatPaceTheSessionWasGiven() {
        ConnectLimits l = new ConnectLimits(limits(Map.of("JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL", "10s",
                "JGOIM_LIMITS_HEARTBEAT_BURST", "1")), new SimpleMeterRegistry());
        long assigned = TimeUnit.SECONDS.toNanos(4);
        long tat = 0;
        for (long t = 0; t < 100 * SEC; t += assigned) {
            tat = l.heartbeat(tat, t, assigned);
            assertThat(tat).as("a beat every 4 s when told 4 s").isNotEqualTo(Gcra.REFUSED);
        }
        assertThat(l.heartbeat(tat, 97 * SEC, assigned)).as("a second after the last beat at 96 s")
                .isEqualTo(Gcra.REFUSED);
    }

    @Test
    void shouldTurnEachLimitOffAtZero() {
        ConnectLimits l = new ConnectLimits(limits(Map.of()), new SimpleMeterRegistry());
        for (int i = 0; i < 100_000; i++) {
            assertThat(l.acceptNode()).isNull();
        }
        assertThat(l.upstream(5, 0)).isEqualTo(5);
        assertThat(l.heartbeat(5, 0, SEC)).isEqualTo(5);
        assertThat(l.bans().list()).isEmpty();
        assertThat(l.bans().lift("10.0.0.1")).isFalse();
    }

    @Test
    void shouldRefuseToLiftWhatIsNotAnAddress() {
        ConnectLimits l = new ConnectLimits(limits(Map.of("JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "5",
                "JGOIM_LIMITS_BAN_TIME", "1m")), new SimpleMeterRegistry());
        assertThatThrownBy(() -> l.bans().lift("example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.bans().lift(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(l.bans().lift("2001:db8::1")).isFalse();
        assertThat(Duration.ofMinutes(1)).isEqualTo(l.config().banTime());
    }
}
