package io.jgoim.logic.node;

import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.logic.NodesConfig;
import io.jgoim.protocol.rpc.logic.Backoff;
import io.jgoim.protocol.rpc.logic.NodesReply;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The weighted node list offered to clients (goim's load balancer): live comets only (not offline, weight above 0,
 * registry entry refreshed within {@code nodes.staleAfter}), ranked by how far each comet is below its fair share of
 * sessions, where the share comes from its weight times {@code nodes.regionWeight} when it is in the client's region.
 * Returns the platform's addresses (WebSocket for {@code web}, TCP otherwise) with heartbeat and reconnect backoff
 * advice. Stateless apart from config; thread-safe.
 */
public final class NodeBalancer {
    private final NodesConfig config;
    private final NodeRegistry registry;
    private final Clock clock;
    private final List<String[]> regions = new ArrayList<>();

    public NodeBalancer(NodesConfig config, NodeRegistry registry, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        for (String r : config.regions()) {
            int eq = r.indexOf('=');
            regions.add(new String[] {r.substring(0, eq), r.substring(eq + 1)});
        }
    }

    /** Every registered comet (offline ones included), for operators. */
    public CompletableFuture<List<NodeInfo>> instances() {
        return registry.nodes();
    }

    /** The client region of an IP by the configured prefixes, or "" when none matches. */
    public String regionOf(String clientIp) {
        if (clientIp != null) {
            for (String[] r : regions) {
                if (clientIp.startsWith(r[0])) {
                    return r[1];
                }
            }
        }
        return "";
    }

    public CompletableFuture<NodesReply> nodes(String platform, String clientIp) {
        return registry.nodes().thenApply(all -> reply(rank(all, regionOf(clientIp)), platform));
    }

    /** Live comets, best first. */
    List<NodeInfo> rank(List<NodeInfo> all, String region) {
        long now = clock.millis();
        long staleMs = config.staleAfter().toMillis();
        List<NodeInfo> live = new ArrayList<>();
        double totalWeight = 0;
        long totalSessions = 0;
        for (NodeInfo n : all) {
            if (n.offline() || n.weight() <= 0 || now - n.updatedAtMillis() > staleMs) {
                continue;
            }
            live.add(n);
            totalWeight += weight(n, region);
            totalSessions += n.sessions();
        }
        double tw = totalWeight;
        double ts = Math.max(1, totalSessions);
        // Positive while a comet holds fewer sessions than its weighted share: the most starved comet first.
        Comparator<NodeInfo> byDeficit = Comparator.comparingDouble(n -> n.sessions() / ts - weight(n, region) / tw);
        live.sort(byDeficit.thenComparingInt(NodeInfo::sessions).thenComparing(NodeInfo::id));
        return live;
    }

    private double weight(NodeInfo n, String region) {
        return !region.isEmpty() && region.equals(n.region()) ? n.weight() * config.regionWeight() : n.weight();
    }

    private NodesReply reply(List<NodeInfo> ranked, String platform) {
        NodesReply.Builder b = NodesReply.newBuilder()
                .setDomain(config.domain())
                .setTcpPort(config.tcpPort())
                .setWsPort(config.wsPort())
                .setWssPort(config.wssPort())
                .setHeartbeat((int) config.heartbeat().toSeconds())
                .setHeartbeatMax(config.heartbeatMax())
                .setBackoff(Backoff.newBuilder()
                        .setMaxDelay((int) config.backoff().maxDelay().toSeconds())
                        .setBaseDelay(config.backoff().baseDelay().toMillis() / 1000.0)
                        .setFactor(config.backoff().factor())
                        .setJitter(config.backoff().jitter()));
        boolean web = "web".equalsIgnoreCase(platform);
        int n = 0;
        for (NodeInfo node : ranked) {
            List<String> addrs = web ? node.wsAddrs() : node.tcpAddrs();
            if (addrs.isEmpty()) {
                continue;
            }
            b.addNodes(addrs.get(0));
            if (++n == config.maxNodes()) {
                break;
            }
        }
        return b.build();
    }
}
