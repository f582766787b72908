package io.jgoim.loadtest.report;

import io.jgoim.loadtest.Sample;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.metrics.Histograms;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a result's per-second interval histograms as a standard HdrHistogram log (one tagged line per histogram
 * name per second, values in microseconds), readable by HistogramLogProcessor and the HdrHistogram plotters.
 */
public final class HistogramLogFile {
    private HistogramLogFile() {
    }

    public static void write(ScenarioResult r, Path file) throws IOException {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
            HistogramLogWriter w = new HistogramLogWriter(ps);
            w.outputComment("jgoim loadtest " + r.scenario() + ", values in microseconds");
            w.outputLogFormatVersion();
            long base = r.samples().isEmpty() ? 0 : (r.samples().get(0).epochSecond() - 1) * 1000;
            w.outputStartTime(base);
            w.setBaseTime(base);
            w.outputLegend();
            for (Sample s : r.samples()) {
                for (Map.Entry<String, Sample.IntervalLatency> e : s.latency().entrySet()) {
                    Histogram h = Histograms.decode(e.getValue().histogram());
                    h.setStartTimeStamp((s.epochSecond() - 1) * 1000);
                    h.setEndTimeStamp(s.epochSecond() * 1000);
                    h.setTag(e.getKey());
                    w.outputIntervalHistogram(h);
                }
            }
        }
    }
}
