package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.time.Duration;
import java.util.List;

/** The node list offered to clients. */
public record NodesConfig(String domain, int tcpPort, int wsPort, int wssPort, Duration heartbeat,
                          int heartbeatMax, Duration staleAfter, int maxNodes, double regionWeight,
                          List<String> regions, BackoffConfig backoff) {
    public NodesConfig {
        domain = domain == null ? "" : domain;
        Checks.port(tcpPort, "nodes.tcpPort");
        Checks.port(wsPort, "nodes.wsPort");
        Checks.port(wssPort, "nodes.wssPort");
        Checks.positive(heartbeat, "nodes.heartbeat");
        Checks.positive(heartbeatMax, "nodes.heartbeatMax");
        Checks.positive(staleAfter, "nodes.staleAfter");
        Checks.positive(maxNodes, "nodes.maxNodes");
        Checks.check(regionWeight >= 1.0, "nodes.regionWeight must be >= 1.0, was " + regionWeight);
        regions = regions == null ? List.of() : List.copyOf(regions);
        for (String r : regions) {
            Checks.check(r.indexOf('=') > 0 && r.indexOf('=') < r.length() - 1,
                    "nodes.regions entries must be prefix=region, was '" + r + "'");
        }
        Checks.notNull(backoff, "nodes.backoff");
    }
}
