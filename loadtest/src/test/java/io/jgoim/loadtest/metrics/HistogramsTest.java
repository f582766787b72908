package io.jgoim.loadtest.metrics;

import io.jgoim.loadtest.LatencySummary;
import io.jgoim.loadtest.Sample;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.ScenarioResults;
import io.jgoim.loadtest.ServerStats;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

class HistogramsTest {
    private static final long SECOND_US = 1_000_000L;

    /** 1 s .. 60 s in microseconds, as ready latencies of an overloaded connect storm. */
    private static Histogram secondsToMinutes() {
        Histogram h = Histograms.newHistogram();
        for (long s = 1; s <= 60; s++) {
            h.recordValueWithCount(s * SECOND_US + 123, s);
        }
        return h;
    }

    /**
     * HdrHistogram's compressed encoding of {@code h} with its header's highest trackable value replaced by
     * {@code highest}: what a Recorder's {@code ConcurrentHistogram}, resized by one event loop while another recorded,
     * wrote in HdrHistogram 2.2.2 (seen as "highestTrackableValue 4095, max 5231" in a stress run; the race is too rare
     * to reproduce in a unit test, the encoding it leaves is not).
     */
    private static String encodedWithHeaderHighest(Histogram h, long highest) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        ByteBuffer in = ByteBuffer.wrap(buf.array(), 0, n);
        int cookie = in.getInt();
        int len = in.getInt();
        Inflater inflater = new Inflater();
        inflater.setInput(buf.array(), 8, len);
        byte[] raw = new byte[h.getNeededByteBufferCapacity()];
        int rawLen = inflater.inflate(raw);
        inflater.end();
        ByteBuffer.wrap(raw).putLong(24, highest); // cookie, payload length, offset, digits, lowest, HIGHEST, ratio
        Deflater deflater = new Deflater();
        deflater.setInput(raw, 0, rawLen);
        deflater.finish();
        byte[] packed = new byte[rawLen + 64];
        int packedLen = deflater.deflate(packed);
        deflater.end();
        ByteBuffer out = ByteBuffer.allocate(8 + packedLen);
        out.putInt(cookie).putInt(packedLen).put(packed, 0, packedLen);
        return Base64.getEncoder().encodeToString(out.array());
    }

    @Test
    void shouldDecodeAnEncodingWhoseHeaderUnderstatesItsRangeWithLatenciesOfSecondsToMinutes() throws Exception {
        Histogram h = secondsToMinutes();
        // the header says "up to ~4 s" while counts go to 60 s
        String bad = encodedWithHeaderHighest(h, 4 * SECOND_US);

        Histogram d = Histograms.decode(bad);

        assertThat(d.getTotalCount()).isEqualTo(h.getTotalCount());
        assertThat(d.getMaxValue()).isEqualTo(h.getMaxValue());
        assertThat(d.getValueAtPercentile(50)).isEqualTo(h.getValueAtPercentile(50));
        assertThat(d.getHighestTrackableValue()).isLessThan(1L << 40); // copied back into a compact range
    }

    @Test
    void shouldMergeWorkersPerSecondSamplesWhenAnIntervalHistogramHeaderUnderstatesItsRange() throws Exception {
        Histogram h = secondsToMinutes();
        String bad = encodedWithHeaderHighest(h, 4 * SECOND_US);
        String good = Histograms.encode(h);
        ScenarioResult w0 = worker(bad, h);
        ScenarioResult w1 = worker(good, h);

        ScenarioResult m = ScenarioResults.merge("connect", Map.of(), List.of(w0, w1), ServerStats.NONE);

        Sample.IntervalLatency ready = m.samples().get(0).latency().get("ready");
        assertThat(ready.count()).isEqualTo(2 * h.getTotalCount());
        assertThat(ready.max()).isEqualTo(h.getMaxValue());
    }

    private static ScenarioResult worker(String encoded, Histogram h) {
        Sample s = new Sample(1_700_000_000L, 10, Map.of(), Map.of("ready", new Sample.IntervalLatency(
                h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(), encoded)),
                -1, -1);
        return new ScenarioResult("connect", "2026-01-01T00:00:00Z", 1.0, 1, Map.of(), Map.of(), Map.of(),
                Map.of("ready", LatencySummary.of(h)), Map.of("ready", Histograms.encode(h)), List.of(s),
                ServerStats.NONE, null);
    }
}
