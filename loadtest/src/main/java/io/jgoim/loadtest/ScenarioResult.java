package io.jgoim.loadtest;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one scenario run, the content of its JSON result file and the input of its reports. Counts and
 * failures are totals over every process; latency summaries are in microseconds; {@code histograms} holds each
 * total histogram encoded (see {@link io.jgoim.loadtest.metrics.Histograms}) so results can be merged. Immutable.
 *
 * @param scenario        connect, push or room-broadcast
 * @param startedAt       ISO-8601 start time
 * @param durationSeconds wall time of the run
 * @param processes       how many processes produced it
 * @param parameters      the options the run used
 * @param counts          totals by name (the scenario's javadoc lists its names)
 * @param failures        failures by reason
 * @param latencies       latency summaries by histogram name
 * @param histograms      encoded total histograms by name
 * @param samples         one sample per second
 * @param server          the server's cost, or {@link ServerStats#NONE}
 * @param window          connect scenario: the measured window and the achieved connects+auths per second; null
 *                        for other scenarios
 */
public record ScenarioResult(String scenario, String startedAt, double durationSeconds, int processes,
                             Map<String, Object> parameters, Map<String, Long> counts, Map<String, Long> failures,
                             Map<String, LatencySummary> latencies, Map<String, String> histograms,
                             List<Sample> samples, ServerStats server, ConnectWindow window) {
    /** A count, 0 when absent. */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /** All failures. */
    @JsonIgnore
    public long failureTotal() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A latency summary, or an empty one. */
    public LatencySummary latency(String name) {
        return latencies.getOrDefault(name, new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
