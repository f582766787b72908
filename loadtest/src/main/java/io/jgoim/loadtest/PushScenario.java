package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.RunMetrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code push} scenario: the HTTP push API under a fixed request rate (open loop), to a room, to mids, to keys or
 * to everyone. Measures the API's latency from each request's due time. Counts {@code messages.sent},
 * {@code messages.accepted}; histogram {@code push} (microseconds); failures by reason. Pair it with sessions from a
 * separate {@code connect} run to load the fan-out as well. For a node that sheds load ({@link ReplySplit}): histograms
 * {@code accepted} (accepted replies only) and {@code refused} (HTTP 429), counter {@code messages.refused}, and the
 * schedule's and the first and last 429's times as epoch milliseconds among the counts.
 */
public final class PushScenario {
    public static final String NAME = "push";

    private PushScenario() {
    }

    public static ScenarioResult run(PushOptions options) {
        return run(options, java.time.Duration.ZERO);
    }

    /**
     * Publishes {@code prewarm} worth of requests first (same rate and target), unmeasured, so that the tool's and the
     * server's JITs have compiled the path; the measurement (and its start time) begins after it.
     */
    public static ScenarioResult run(PushOptions options, java.time.Duration prewarm) {
        if (!prewarm.isZero()) {
            OpenLoopPublisher.unmeasured(options, prewarm, options.publisherId());
        }
        RunMetrics metrics = new RunMetrics(List.of("push", ReplySplit.ACCEPTED, ReplySplit.REFUSED),
                List.of("messages.sent", "messages.accepted", ReplySplit.REFUSED_COUNT, "messages.notSent"),
                options.serverPid());
        ReplySplit split = new ReplySplit(metrics);
        new OpenLoopPublisher(options, metrics, split).run();
        return metrics.result(NAME, parameters(options), split.times());
    }

    static Map<String, Object> parameters(PushOptions o) {
        Map<String, Object> p = ConnectScenario.environment();
        p.put("uri", o.uri().toString());
        p.put("target", o.target().name());
        p.put("rate", o.rate());
        p.put("duration", o.duration().toString());
        p.put("payloadSize", o.payloadSize());
        p.put("maxInFlight", o.maxInFlight());
        p.put("httpConnections", o.connections());
        return p;
    }
}
