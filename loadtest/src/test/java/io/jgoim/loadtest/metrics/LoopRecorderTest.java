package io.jgoim.loadtest.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoopRecorderTest {
    @Test
    void valuesFromSeveralThreadsMeetInOneIntervalAndEachIntervalOnce() throws Exception {
        LoopRecorder r = new LoopRecorder();
        r.recordValue(10);
        Thread other = new Thread(() -> {
            r.forCurrentThread().recordValue(2_000);
            r.forCurrentThread().recordValue(3_000);
        });
        other.start();
        other.join();

        Histogram h = Histograms.newHistogram();
        r.addIntervalTo(h);
        assertThat(h.getTotalCount()).isEqualTo(3);
        assertThat(h.getMinValue()).isEqualTo(10);
        assertThat(h.getMaxValue()).isBetween(2_999L, 3_001L);

        r.recordValue(40);
        Histogram next = Histograms.newHistogram();
        r.addIntervalTo(next);
        assertThat(next.getTotalCount()).isEqualTo(1);
        assertThat(next.getMaxValue()).isEqualTo(40);
    }

    @Test
    void runMetricsReportsLoopValuesWithTheSharedRecordersInTheSameHistogram() {
        try (RunMetrics m = new RunMetrics(List.of("e2e"), List.of(), 0)) {
            m.recorder("e2e").recordValue(5);
            m.loopRecorder("e2e").recordValue(7);
            m.loopRecorder("e2e").recordValue(9);
            var result = m.result("t", java.util.Map.of(), java.util.Map.of());
            assertThat(result.latencies().get("e2e").count()).isEqualTo(3);
        }
    }
}
