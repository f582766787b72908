package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.Histograms;
import io.jgoim.loadtest.report.HtmlReport;
import io.jgoim.loadtest.report.ReportWriter;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScenarioResultsTest {
    private static ScenarioResult part(long sessions, long base, long second) {
        Histogram h = Histograms.newHistogram();
        for (long v = 1; v <= 100; v++) {
            h.recordValue(base + v);
        }
        String enc = Histograms.encode(h);
        Sample s = new Sample(second, sessions, Map.of("messages.delivered", 10L),
                Map.of("e2e", new Sample.IntervalLatency(100, 50, 99, 100, enc)), -1, -1);
        return new ScenarioResult("room-broadcast", "2026-01-01T00:00:0" + base / 1000 + "Z", 2.0, 1, Map.of(),
                Map.of("sessions.held", sessions, "messages.distinct", sessions * 10), Map.of("connect refused", 1L),
                Map.of("e2e", LatencySummary.of(h)), Map.of("e2e", enc), List.of(s), ServerStats.NONE, null);
    }

    @Test
    void shouldSumCountsFailuresHistogramsAndSamples() {
        ServerStats srv = new ServerStats(42, 100_000, 110_000, 120_000, 3, 50, -1, 50_000, 55_000, -1);
        ScenarioResult m = ScenarioResults.merge("room-broadcast", Map.of("k", "v"),
                List.of(part(100, 0, 1000), part(50, 1000, 1000), part(0, 0, 1001)), srv);

        assertThat(m.count("sessions.held")).isEqualTo(150);
        assertThat(m.count("messages.distinct")).isEqualTo(1500);
        assertThat(m.failures()).containsEntry("connect refused", 3L);
        assertThat(m.latency("e2e").count()).isEqualTo(300);
        assertThat(m.latency("e2e").max()).isBetween(1099L, 1101L);
        assertThat(m.samples()).hasSize(2);
        assertThat(m.samples().get(0).sessions()).isEqualTo(150);
        assertThat(m.samples().get(0).rates()).containsEntry("messages.delivered", 20L);
        assertThat(m.samples().get(0).latency().get("e2e").count()).isEqualTo(200);
        assertThat(m.processes()).isEqualTo(3);
        assertThat(m.server().bytesPerSession()).isEqualTo(10_000L * 1024 / 150);
        assertThat(m.server().heapBytesPerSession()).isEqualTo(5_000L * 1024 / 150);
    }

    @Test
    void shouldCountAProcessSessionsOnceWhenTwoOfItsSamplesRoundIntoOneSecond() {
        ScenarioResult a = part(50, 0, 1000);
        Sample late = new Sample(1000, 50, Map.of("messages.delivered", 10L), Map.of(), -1, -1);
        List<Sample> twoInOneSecond = List.of(a.samples().get(0), late);
        ScenarioResult jittered = new ScenarioResult(a.scenario(), a.startedAt(), a.durationSeconds(), 1,
                a.parameters(), a.counts(), a.failures(), a.latencies(), a.histograms(), twoInOneSecond, a.server(),
                null);
        ScenarioResult m = ScenarioResults.merge("connect", Map.of(), List.of(jittered, part(25, 0, 1000)),
                ServerStats.NONE);

        assertThat(m.samples()).hasSize(1);
        // 50 (the jittered process, once) + 25, not 50 + 50 + 25; its two intervals' rates still add up
        assertThat(m.samples().get(0).sessions()).isEqualTo(75);
        assertThat(m.samples().get(0).rates()).containsEntry("messages.delivered", 30L);
    }

    @Test
    void shouldMergeConnectWindowsIntoTheirUnionWithSummedSessionsAndToolCpu() {
        ScenarioResult a = withWindow(part(10, 0, 1000), ConnectWindow.of(1_000_000, 2_000_000, 6000, 0.6, -1));
        ScenarioResult b = withWindow(part(10, 0, 1000), ConnectWindow.of(1_100_000, 2_500_000, 6000, 0.9, -1));
        ScenarioResult parent = part(0, 0, 1000);

        ScenarioResult m = ScenarioResults.merge("connect", Map.of(), List.of(a, b, parent), ServerStats.NONE, 0.3);

        ConnectWindow w = m.window();
        assertThat(w.firstStartEpochUs()).isEqualTo(1_000_000);
        assertThat(w.lastAuthEpochUs()).isEqualTo(2_500_000);
        assertThat(w.authenticated()).isEqualTo(12_000);
        assertThat(w.seconds()).isEqualTo(1.5);
        assertThat(w.perSecond()).isEqualTo(8000);
        assertThat(w.toolCpuSeconds()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(w.toolCpuUsPerSession()).isEqualTo(125.0);
        assertThat(w.serverCpuUsPerSession()).isEqualTo(25.0);
        assertThat(w.definition()).contains("last auth reply", "first scheduled start");
    }

    private static ScenarioResult withWindow(ScenarioResult r, ConnectWindow w) {
        return new ScenarioResult(r.scenario(), r.startedAt(), r.durationSeconds(), r.processes(), r.parameters(),
                r.counts(), r.failures(), r.latencies(), r.histograms(), r.samples(), r.server(), w);
    }

    @Test
    void shouldWriteJsonThatReadsBackAndAnOfflineHtmlReport(@TempDir Path dir) throws Exception {
        ScenarioResult r = RoomBroadcastScenario.withLoss(ScenarioResults.merge("room-broadcast", Map.of(),
                List.of(part(10, 0, 1000), part(10, 0, 1001)), ServerStats.NONE));

        ReportWriter.Files3 f = ReportWriter.write(r, dir, "t", null);

        assertThat(ReportWriter.readJson(f.json())).isEqualTo(r);
        String html = Files.readString(f.html());
        assertThat(html).contains("<svg", "Latency by percentile", "Latency over time: e2e", "Open sessions",
                "messages.delivered /s");
        assertThat(html).doesNotContain("<script", "src=", "href=");
        assertThat(Files.readString(f.histogramLog())).contains("Tag=e2e");
        assertThat(HtmlReport.render(r)).isEqualTo(html);
        java.util.regex.Matcher svg = java.util.regex.Pattern.compile("(?s)<svg.*?</svg>").matcher(html);
        int charts = 0;
        while (svg.find()) {
            // every chart is well-formed XML, or browsers would show nothing
            javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(
                            svg.group().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            charts++;
        }
        assertThat(charts).isEqualTo(4);
    }
}
