package io.jgoim.loadtest.metrics;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * Base64 of HdrHistogram's compressed encoding, so histograms travel in JSON between processes. Stateless.
 *
 * <p>Why {@link #encode} copies: the interval histograms of a {@link org.HdrHistogram.Recorder} are
 * {@code ConcurrentHistogram}s that auto-resize while several event loops record into them. When latencies climb
 * (seconds, minutes), resizes race with recording, and HdrHistogram 2.2.2 can leave such a histogram with counts (and
 * a max) above the {@code highestTrackableValue} it writes into the encoding's header. {@code decode} sizes its counts
 * array from that header and then throws {@link ArrayIndexOutOfBoundsException} on the first count past it: the crash
 * seen while merging workers' per-second samples. A plain {@link Histogram} filled by {@code add} sizes itself from
 * the source's max value, so its header always covers its counts. {@link #decode} also reads encodings written before
 * this fix (a too-small header) by decoding again into the widest range.
 */
public final class Histograms {
    /** Latencies are recorded in microseconds with 3 significant digits. */
    public static final int DIGITS = 3;
    /** A highest trackable value that covers any long: the fallback range of {@link #decode}. */
    private static final long WIDEST = Long.MAX_VALUE / 2;

    private Histograms() {
    }

    public static Histogram newHistogram() {
        return new Histogram(DIGITS);
    }

    /** Encodes {@code h} (not modified) as Base64 of its compressed form; any histogram subclass is accepted. */
    public static String encode(Histogram h) {
        Histogram plain = h;
        if (h.getClass() != Histogram.class || !headerCoversMax(h)) {
            plain = new Histogram(h.getLowestDiscernibleValue(), 2, h.getNumberOfSignificantValueDigits());
            plain.setAutoResize(true);
            plain.add(h);
            plain.setStartTimeStamp(h.getStartTimeStamp());
            plain.setEndTimeStamp(h.getEndTimeStamp());
        }
        ByteBuffer buf = ByteBuffer.allocate(plain.getNeededByteBufferCapacity());
        int n = plain.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), n));
    }

    private static boolean headerCoversMax(Histogram h) {
        return h.getMaxValue() <= h.getHighestTrackableValue();
    }

    /**
     * Decodes what {@link #encode} wrote. An encoding whose header understates its range (see the class comment) is
     * decoded again into the widest range and copied into a histogram of the range its values need.
     */
    public static Histogram decode(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (ArrayIndexOutOfBoundsException tooSmall) {
            try {
                Histogram wide = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), WIDEST);
                Histogram h = new Histogram(wide.getLowestDiscernibleValue(), 2,
                        wide.getNumberOfSignificantValueDigits());
                h.setAutoResize(true);
                h.add(wide);
                return h;
            } catch (DataFormatException | RuntimeException e) {
                e.addSuppressed(tooSmall);
                throw new IllegalArgumentException("not an encoded histogram", e);
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an encoded histogram", e);
        }
    }
}
