package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CpuMonitorTest {
    private double load;

    @Test
    void shouldSmoothSamplesWithAnExponentialMovingAverage() {
        CpuMonitor cpu = new CpuMonitor(() -> load, 0.5);
        load = 1.0;
        cpu.sample();
        assertThat(cpu.getAsInt()).isEqualTo(500);
        cpu.sample();
        assertThat(cpu.getAsInt()).isEqualTo(750);
        load = 0.0;
        cpu.sample();
        assertThat(cpu.getAsInt()).isEqualTo(375);
    }

    @Test
    void shouldSkipUnknownReadingsAndClampAboveOne() {
        CpuMonitor cpu = new CpuMonitor(() -> load, 0.0);
        load = 0.4;
        cpu.sample();
        load = -1;
        cpu.sample();
        assertThat(cpu.getAsInt()).isEqualTo(400);
        load = Double.NaN;
        cpu.sample();
        assertThat(cpu.getAsInt()).isEqualTo(400);
        load = 3.0;
        cpu.sample();
        assertThat(cpu.getAsInt()).isEqualTo(1000);
    }

    @Test
    void shouldSampleInTheBackgroundOnceStarted() {
        load = 1.0;
        try (CpuMonitor cpu = new CpuMonitor(() -> load, 0.5).start(Duration.ofMillis(5))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> cpu.getAsInt() > 900);
        }
    }

    @Test
    void shouldReadTheOperatingSystemsLoad() {
        double system = CpuSource.system().load();
        double process = CpuSource.process().load();
        assertThat(system).isLessThanOrEqualTo(1.0);
        assertThat(process).isLessThanOrEqualTo(1.0);
    }
}
