package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SharedCpuMonitorTest {
    private static OverloadConfig overload(boolean enabled, String source, Duration sample) {
        return new OverloadConfig(enabled, 0.8, source, sample, 0.8, Duration.ofSeconds(10), 100,
                Duration.ofSeconds(1));
    }

    static long samplerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jgoim-cpu") && t.isAlive()).count();
    }

    @Test
    void shouldShareOneSamplerBetweenNodesWithTheSameSettingAndStopItWithTheLastLease() {
        OverloadConfig config = overload(true, "process", Duration.ofMillis(250));
        SharedCpuMonitor.Lease logic = SharedCpuMonitor.lease(config);
        SharedCpuMonitor.Lease comet = SharedCpuMonitor.lease(config);
        assertThat(SharedCpuMonitor.running()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> samplerThreads() == 1);
        logic.close();
        logic.close(); // idempotent: must not give back the comet's lease
        assertThat(SharedCpuMonitor.running()).isEqualTo(1);
        comet.close();
        assertThat(SharedCpuMonitor.running()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> samplerThreads() == 0);
    }

    @Test
    void shouldRunOneSamplerPerDistinctSetting() {
        try (SharedCpuMonitor.Lease process = SharedCpuMonitor.lease(overload(true, "process", Duration.ofSeconds(1)));
             SharedCpuMonitor.Lease system = SharedCpuMonitor.lease(overload(true, "system", Duration.ofSeconds(1)))) {
            assertThat(SharedCpuMonitor.running()).isEqualTo(2);
        }
        assertThat(SharedCpuMonitor.running()).isZero();
    }

    @Test
    void shouldStartNoSamplerWhileSheddingIsOff() {
        CpuReading off = new CpuReading(overload(false, "process", Duration.ofMillis(250)));
        off.start();
        assertThat(SharedCpuMonitor.running()).isZero();
        assertThat(samplerThreads()).isZero();
        assertThat(off.getAsInt()).isZero();
        off.override(() -> 900);
        assertThat(off.getAsInt()).isEqualTo(900);
        off.close();
    }

    @Test
    void shouldReadTheSharedSamplerWhileSheddingIsOnUntilClosed() {
        CpuReading on = new CpuReading(overload(true, "process", Duration.ofMillis(250)));
        on.start();
        on.start(); // a second start leases nothing more
        assertThat(SharedCpuMonitor.running()).isEqualTo(1);
        on.override(() -> 900);
        assertThat(on.getAsInt()).isEqualTo(900);
        on.override(null);
        assertThat(on.getAsInt()).isBetween(0, 1000);
        on.close();
        assertThat(SharedCpuMonitor.running()).isZero();
        on.start(); // closed: not restarted
        assertThat(SharedCpuMonitor.running()).isZero();
    }
}
