package io.jgoim.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The open-descriptor count is listed again only when the last count is older than its maximum age. */
class OpenFilesTest {
    @Test
    void shouldCountAgainOnlyOnceTheLastCountIsTooOld() {
        AtomicLong clock = new AtomicLong(1_000);
        AtomicLong listings = new AtomicLong();
        OpenFiles open = new OpenFiles(() -> 100 + listings.incrementAndGet(), clock::get, Duration.ofSeconds(10));

        assertThat(open.read()).isEqualTo(101);
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(open.read()).isEqualTo(101);
        assertThat(open.read()).isEqualTo(101);
        assertThat(listings.get()).isEqualTo(1);

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(open.read()).isEqualTo(102);
        assertThat(listings.get()).isEqualTo(2);
    }

    @Test
    void shouldExportMicrometersNamesWithTheProcessCounts() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OpenFiles.bindTo(registry);
        String text = registry.scrape();
        double open = value(text, "process_files_open_files");
        double max = value(text, "process_files_max_files");
        assertThat(open).isGreaterThan(2); // stdin, stdout, stderr, the JDK's own jars at least
        assertThat(max).isGreaterThanOrEqualTo(open);
    }

    private static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }
}
