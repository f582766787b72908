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
        for (CpuSource source : new CpuSource[] {CpuSource.system(), CpuSource.process(), CpuSource.systemBean(),
                CpuSource.processBean()}) {
            try (source) {
                assertThat(source.load()).isLessThanOrEqualTo(1.0);
            }
        }
    }

    @Test
    void shouldCloseItsSourceWhenClosed() {
        boolean[] closed = new boolean[1];
        CpuSource source = new CpuSource() {
            @Override
            public double load() {
                return 0.5;
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        new CpuMonitor(source, 0.5).start(Duration.ofSeconds(1)).close();
        assertThat(closed[0]).isTrue();
    }
}
