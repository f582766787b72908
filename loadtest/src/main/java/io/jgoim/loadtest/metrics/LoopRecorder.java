package io.jgoim.loadtest.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A latency recorder for hot paths written from a few event loops: one {@link SingleWriterRecorder} per writing
 * thread, merged when read. A shared {@link org.HdrHistogram.Recorder} costs about six atomic operations per value
 * (its phaser's enter and exit, the concurrent histogram's own phaser, count and total) on cache lines every loop
 * writes, which was half the load tool's CPU per delivered message (ClientReceiveBenchmark); a per-thread one costs
 * its phaser's two, uncontended. A writer fetches its recorder once ({@link #forCurrentThread}) and keeps it while it
 * stays on that thread. Thread-safe: any thread may write (through its own recorder) or read.
 */
public final class LoopRecorder {
    private final List<SingleWriterRecorder> writers = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> local = ThreadLocal.withInitial(() -> {
        SingleWriterRecorder r = new SingleWriterRecorder(Histograms.DIGITS);
        writers.add(r);
        return r;
    });

    /** The calling thread's recorder: record into it from this thread only. */
    public SingleWriterRecorder forCurrentThread() {
        return local.get();
    }

    /** Records {@code value} into the calling thread's recorder (a thread-local look-up; cache it on hot paths). */
    public void recordValue(long value) {
        local.get().recordValue(value);
    }

    /** Moves every value recorded since the last call into {@code into}. */
    public void addIntervalTo(Histogram into) {
        for (SingleWriterRecorder r : writers) {
            into.add(r.getIntervalHistogram());
        }
    }
}
