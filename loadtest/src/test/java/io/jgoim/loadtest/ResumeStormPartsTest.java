package io.jgoim.loadtest;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resume storm's parts that need no server: its schedule of reconnects, its option checks, the metric scrape. */
class ResumeStormPartsTest {
    private static ResumeStormOptions storm(int sessions, int total, Duration away, Duration window) {
        SessionOptions s = SessionOptions.defaults().withSessions(sessions, 1000);
        PushOptions push = PushOptions.room(URI.create("http://127.0.0.1:3111"), "live", "1000", 100,
                Duration.ofSeconds(1));
        return new ResumeStormOptions(s, push, 5, 100, away, window, total, false, Duration.ofSeconds(30), true,
                null);
    }

    @Test
    void reconnectsShouldBeSpreadEvenlyOverTheWindowAfterTheAwayTime() {
        ResumeStormOptions o = storm(1000, 1000, Duration.ofSeconds(3), Duration.ofSeconds(10));

        assertThat(o.reconnectDelay(0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.reconnectDelay(500)).isEqualTo(Duration.ofSeconds(8));
        assertThat(o.reconnectDelay(999)).isEqualTo(Duration.ofMillis(12_990));
        assertThat(o.sessions().positions()).isTrue();
        assertThat(o.recoveryBound()).isEqualTo(Duration.ofSeconds(43));
    }

    @Test
    void aWorkersShareShouldKeepTheGlobalScheduleAndLeavePublishingToTheParent() {
        ResumeStormOptions o = storm(1000, 1000, Duration.ofSeconds(3), Duration.ofSeconds(10));

        ResumeStormOptions second = o.share(1, 2);

        assertThat(second.sessions().sessions()).isEqualTo(500);
        assertThat(second.sessions().firstIndex()).isEqualTo(500);
        assertThat(second.totalSessions()).isEqualTo(1000);
        assertThat(second.publish()).isFalse();
        assertThat(second.reconnectDelay(second.sessions().firstIndex())).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void shouldRefuseUnboundedOrInconsistentOptions() {
        SessionOptions s = SessionOptions.defaults();
        PushOptions push = PushOptions.room(URI.create("http://127.0.0.1:3111"), "live", "1000", 100,
                Duration.ofSeconds(1));
        Duration d = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new ResumeStormOptions(s, push, 0, 100, d, d, 100, false, d, true, null))
                .hasMessageContaining("seed messages");
        assertThatThrownBy(() -> new ResumeStormOptions(s, push, 5, 100_001, d, d, 100, false, d, true, null))
                .hasMessageContaining("missed messages");
        assertThatThrownBy(() -> new ResumeStormOptions(s, push, 5, 100, Duration.ZERO, d, 100, false, d, true,
                null)).hasMessageContaining("away");
        assertThatThrownBy(() -> new ResumeStormOptions(s, push, 5, 100, d, d, 99, false, d, true, null))
                .hasMessageContaining("total sessions");
        assertThatThrownBy(() -> new ResumeStormOptions(s.withRoom("live://2"), push, 5, 100, d, d, 100, false, d,
                true, null)).hasMessageContaining("live://2");
    }

    @Test
    void shouldReadTheCometsHistoryReadsFromAPrometheusPage() {
        String page = String.join("\n",
                "# HELP jgoim_comet_history_reads_total stream history reads",
                "# TYPE jgoim_comet_history_reads_total counter",
                "jgoim_comet_history_reads_total{source=\"cache\"} 14999.0",
                "jgoim_comet_history_reads_total{node=\"b\",source=\"store\"} 1.0",
                "jgoim_comet_history_reads_total{node=\"a\",source=\"store\"} 2.0",
                "jgoim_comet_history_reads_total{source=\"joined\"} 0.0",
                "jgoim_comet_history_reads_totally{source=\"store\"} 99.0",
                "jgoim_comet_closes_total{reason=\"resume\"} 3.0",
                "");

        Map<String, Double> m = HistoryReadsScrape.parse(page);

        assertThat(m).containsExactlyInAnyOrderEntriesOf(Map.of("cache", 14999.0, "store", 3.0, "joined", 0.0));
        assertThat(HistoryReadsScrape.delta(Map.of("store", 1.0, "cache", 10.0), m))
                .containsExactlyInAnyOrderEntriesOf(Map.of("store", 2L, "cache", 14989L, "joined", 0L));
        assertThat(HistoryReadsScrape.parse("# nothing here\n")).isEmpty();
    }
}
