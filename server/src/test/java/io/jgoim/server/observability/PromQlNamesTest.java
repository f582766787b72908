package io.jgoim.server.observability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lexical metric-name finder the Prometheus check relies on: what it keeps and what it must skip. */
class PromQlNamesTest {
    @Test
    void shouldFindTheMetricsOfAQuantileOverARate() {
        assertThat(PromQlNames.of("histogram_quantile(0.99, sum by (le, kind) "
                + "(rate(jgoim_comet_push_latency_seconds_bucket{kind=\"room\"}[5m])))"))
                .containsExactly("jgoim_comet_push_latency_seconds_bucket");
    }

    @Test
    void shouldSkipLabelsKeywordsNumbersDurationsAndStrings() {
        assertThat(PromQlNames.of("sum by (instance) (rate(a_total[5m] offset 1h)) / on (instance) group_left "
                + "b_bytes{job=~\"jgoim-.*\", id='x y'} > 1e3 and bool c unless up == 0"))
                .containsExactly("a_total", "b_bytes", "c", "up");
    }

    @Test
    void shouldReadEveryOperandOfABinaryExpression() {
        assertThat(PromQlNames.of("process_files_open_files{job=~\"jgoim-.*\"} / process_files_max_files > 0.8"))
                .containsExactly("process_files_open_files", "process_files_max_files");
    }
}
