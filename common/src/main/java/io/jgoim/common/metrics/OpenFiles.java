package io.jgoim.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@code process_files_open_files} and {@code process_files_max_files} (Micrometer's names and descriptions), with
 * the open count read at most once per {@link #MAX_AGE}. The JVM counts open descriptors by listing
 * {@code /proc/self/fd}, one entry per socket: ~4 ms of CPU at 5,000 sessions and in proportion beyond, on every
 * scrape, where Micrometer's own binder reads it each time. A count up to {@link #MAX_AGE} old is what a 15-s
 * Prometheus interval shows anyway; a scraper polling every second (a benchmark's sampler, a dashboard's live view)
 * no longer pays a listing per poll. The maximum is the process limit, read once. Thread-safe.
 */
final class OpenFiles {
    /** How old an open count may be when a scrape reads it. */
    static final Duration MAX_AGE = Duration.ofSeconds(10);

    private final LongSupplier count;
    private final LongSupplier nanoTime;
    private final long maxAgeNanos;
    private long value = -1;
    private long readAt;

    OpenFiles(LongSupplier count, LongSupplier nanoTime, Duration maxAge) {
        this.count = count;
        this.nanoTime = nanoTime;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** Registers both gauges when the JVM can count its descriptors (a Unix JVM); else nothing, as Micrometer does. */
    static void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return;
        }
        OpenFiles open = new OpenFiles(unix::getOpenFileDescriptorCount, System::nanoTime, MAX_AGE);
        Gauge.builder("process.files.open", open, OpenFiles::read).baseUnit("files")
                .description("The open file descriptor count (read at most once per " + MAX_AGE.toSeconds() + " s)")
                .register(registry);
        long max = unix.getMaxFileDescriptorCount();
        Gauge.builder("process.files.max", () -> max).baseUnit("files")
                .description("The maximum file descriptor count").register(registry);
    }

    /** The open count, counted again when the last count is older than the maximum age. */
    synchronized double read() {
        long now = nanoTime.getAsLong();
        if (value < 0 || now - readAt >= maxAgeNanos) {
            value = count.getAsLong();
            readAt = now;
        }
        return value;
    }
}
