package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.Histograms;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the results of the processes of one multi-process run into one: counts and failures are summed, histograms
 * added (exactly, from their encodings), per-second samples aligned on the epoch second and summed, and the server's
 * bytes per session recomputed over all held sessions. Stateless.
 */
public final class ScenarioResults {
    private ScenarioResults() {
    }

    public static ScenarioResult merge(String scenario, Map<String, Object> parameters, List<ScenarioResult> parts,
                                       ServerStats server) {
        return merge(scenario, parameters, parts, server, -1);
    }

    /**
     * As above; {@code windowServerCpuSeconds} (&ge; 0) is the server's CPU over the workers' connect window, as the
     * parent measured it.
     */
    public static ScenarioResult merge(String scenario, Map<String, Object> parameters, List<ScenarioResult> parts,
                                       ServerStats server, double windowServerCpuSeconds) {
        ConnectWindow window = ConnectWindow.merge(parts.stream().map(ScenarioResult::window).toList());
        if (window != null && windowServerCpuSeconds >= 0) {
            window = window.withServerCpu(windowServerCpuSeconds);
        }
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> failures = new TreeMap<>();
        Map<String, Histogram> hist = new LinkedHashMap<>();
        TreeMap<Long, List<PartSample>> bySecond = new TreeMap<>();
        String startedAt = null;
        double duration = 0;
        int part = 0;
        for (ScenarioResult p : parts) {
            part++;
            p.counts().forEach((k, v) -> counts.merge(k, v, Long::sum));
            p.failures().forEach((k, v) -> failures.merge(k, v, Long::sum));
            p.histograms().forEach((k, v) -> hist.computeIfAbsent(k, n -> Histograms.newHistogram())
                    .add(Histograms.decode(v)));
            for (Sample s : p.samples()) {
                bySecond.computeIfAbsent(s.epochSecond(), t -> new ArrayList<>()).add(new PartSample(part, s));
            }
            if (startedAt == null || p.startedAt().compareTo(startedAt) < 0) {
                startedAt = p.startedAt();
            }
            duration = Math.max(duration, p.durationSeconds());
        }
        Map<String, LatencySummary> latencies = new LinkedHashMap<>();
        Map<String, String> encoded = new LinkedHashMap<>();
        hist.forEach((k, h) -> {
            latencies.put(k, LatencySummary.of(h));
            encoded.put(k, Histograms.encode(h));
        });
        List<Sample> samples = new ArrayList<>();
        bySecond.forEach((t, list) -> samples.add(mergeSamples(t, list)));
        ServerStats srv = server.perSession(counts.getOrDefault("sessions.held", 0L));
        return new ScenarioResult(scenario, startedAt, duration, parts.size(), parameters, counts, failures, latencies,
                encoded, samples, srv, window);
    }

    /** A sample and the process (part) it came from. */
    private record PartSample(int part, Sample sample) {
    }

    /**
     * One second of the merged run. Sessions are a level, not a count per interval: a process whose sampling jitter
     * put two of its samples into one rounded second contributes its larger level once (summing both counted its
     * sessions twice); rates and latencies are per interval and add up.
     */
    private static Sample mergeSamples(long second, List<PartSample> list) {
        Map<Integer, Long> sessionsByPart = new HashMap<>();
        long rss = -1;
        double cpu = -1;
        Map<String, Long> rates = new LinkedHashMap<>();
        Map<String, Histogram> lat = new LinkedHashMap<>();
        for (PartSample ps : list) {
            Sample s = ps.sample();
            sessionsByPart.merge(ps.part(), s.sessions(), Math::max);
            rss = Math.max(rss, s.serverRssKb());
            cpu = Math.max(cpu, s.serverCpuPercent());
            s.rates().forEach((k, v) -> rates.merge(k, v, Long::sum));
            s.latency().forEach((k, v) -> lat.computeIfAbsent(k, n -> Histograms.newHistogram())
                    .add(Histograms.decode(v.histogram())));
        }
        Map<String, Sample.IntervalLatency> latency = new LinkedHashMap<>();
        lat.forEach((k, h) -> latency.put(k, new Sample.IntervalLatency(h.getTotalCount(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getMaxValue(), Histograms.encode(h))));
        long sessions = 0;
        for (long n : sessionsByPart.values()) {
            sessions += n;
        }
        return new Sample(second, sessions, rates, latency, rss, cpu);
    }
}
