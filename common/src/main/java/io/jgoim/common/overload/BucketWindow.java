package io.jgoim.common.overload;

/**
 * A rolling window of {@code size} time buckets, each holding a sum, a count and a peak (the largest of the values
 * noted with its events), kept in primitive arrays so adding and reducing allocate nothing. A bucket is identified by its absolute index ({@code floorDiv(now, bucketNanos)}); a
 * slot whose index fell out of the window is reset lazily when next written and ignored when read. Not thread-safe:
 * the owner serialises access.
 */
final class BucketWindow {
    private static final long EMPTY = Long.MIN_VALUE;

    private final int size;
    private final long bucketNanos;
    private final long[] index;
    private final long[] sum;
    private final long[] count;
    private final long[] peak;

    BucketWindow(int size, long bucketNanos) {
        if (size < 2) {
            throw new IllegalArgumentException("a window needs at least 2 buckets, was " + size);
        }
        if (bucketNanos <= 0) {
            throw new IllegalArgumentException("bucket duration must be positive");
        }
        this.size = size;
        this.bucketNanos = bucketNanos;
        this.index = new long[size];
        this.sum = new long[size];
        this.count = new long[size];
        this.peak = new long[size];
        java.util.Arrays.fill(index, EMPTY);
    }

    long bucketOf(long nowNanos) {
        return Math.floorDiv(nowNanos, bucketNanos);
    }

    long bucketNanos() {
        return bucketNanos;
    }

    /** Buckets in the window. */
    int size() {
        return size;
    }

    /** Adds one event of {@code value} to the bucket of {@code nowNanos}. */
    void add(long nowNanos, long value) {
        add(nowNanos, value, 0);
    }

    /** Adds one event of {@code value} to the bucket of {@code nowNanos}, whose peak becomes at least {@code mark}. */
    void add(long nowNanos, long value, long mark) {
        long b = bucketOf(nowNanos);
        int i = (int) Math.floorMod(b, (long) size);
        if (index[i] != b) {
            index[i] = b;
            sum[i] = 0;
            count[i] = 0;
            peak[i] = 0;
        }
        sum[i] += value;
        count[i]++;
        if (mark > peak[i]) {
            peak[i] = mark;
        }
    }

    /** The event count of the completed bucket {@code bucket} if it is still in the window, else 0. */
    long countOf(long nowNanos, long bucket) {
        long cur = bucketOf(nowNanos);
        if (bucket >= cur || bucket <= cur - size) {
            return 0;
        }
        int i = (int) Math.floorMod(bucket, (long) size);
        return index[i] == bucket ? count[i] : 0;
    }

    /** The sum of every bucket in the window, the current one included. */
    long totalSum(long nowNanos) {
        long cur = bucketOf(nowNanos);
        long total = 0;
        for (int i = 0; i < size; i++) {
            long b = index[i];
            if (b != EMPTY && b <= cur && b > cur - size) {
                total += sum[i];
            }
        }
        return total;
    }

    /** The largest event count of one completed bucket (the current one excluded: it is still filling), or 0. */
    long maxCountCompleted(long nowNanos) {
        long cur = bucketOf(nowNanos);
        long max = 0;
        for (int i = 0; i < size; i++) {
            long b = index[i];
            if (b != EMPTY && b < cur && b > cur - size) {
                max = Math.max(max, count[i]);
            }
        }
        return max;
    }

    /** The smallest mean value (sum / count) of one completed bucket with events, or -1 when none has any. */
    long minMeanCompleted(long nowNanos) {
        return minMeanCompleted(nowNanos, 1);
    }

    /**
     * The smallest mean value (sum / count) of one completed bucket with at least {@code minCount} events, or -1
     * when none has that many.
     */
    long minMeanCompleted(long nowNanos, long minCount) {
        long cur = bucketOf(nowNanos);
        long min = -1;
        long atLeast = Math.max(1, minCount);
        for (int i = 0; i < size; i++) {
            long b = index[i];
            if (b != EMPTY && b < cur && b > cur - size && count[i] >= atLeast) {
                long mean = (sum[i] + count[i] - 1) / count[i];
                if (min < 0 || mean < min) {
                    min = mean;
                }
            }
        }
        return min;
    }

    /**
     * The largest peak of one completed bucket with at least {@code minCount} events and a mean value (rounded up) of
     * at most {@code maxMean}, or 0 when none qualifies.
     */
    long maxPeakCompleted(long nowNanos, long minCount, long maxMean) {
        long cur = bucketOf(nowNanos);
        long max = 0;
        long atLeast = Math.max(1, minCount);
        for (int i = 0; i < size; i++) {
            long b = index[i];
            if (b != EMPTY && b < cur && b > cur - size && count[i] >= atLeast
                    && (sum[i] + count[i] - 1) / count[i] <= maxMean) {
                max = Math.max(max, peak[i]);
            }
        }
        return max;
    }
}
