package io.jgoim.common.registry;

import java.util.List;

/**
 * A comet's entry in the node registry: where clients and job reach it, how much load it carries, and whether it is
 * draining. Addresses are {@code host:port}.
 *
 * @param id              the comet's node id (the {@code server} of session routes)
 * @param region          the region clients are matched against
 * @param weight          the operator's weight; 0 takes no new clients
 * @param tcpAddrs        client TCP addresses
 * @param wsAddrs         client WebSocket addresses
 * @param wssAddrs        client secure WebSocket addresses
 * @param rpcAddr         the comet's gRPC address for job
 * @param sessions        sessions held at the last refresh
 * @param offline         true while draining: never offered to clients, still pushed to
 * @param updatedAtMillis when the entry was last refreshed (epoch millis)
 */
public record NodeInfo(String id, String region, int weight, List<String> tcpAddrs, List<String> wsAddrs,
                       List<String> wssAddrs, String rpcAddr, int sessions, boolean offline, long updatedAtMillis) {
    public NodeInfo {
        tcpAddrs = List.copyOf(tcpAddrs);
        wsAddrs = List.copyOf(wsAddrs);
        wssAddrs = List.copyOf(wssAddrs);
    }

    public NodeInfo withLoad(int sessions, boolean offline, long updatedAtMillis) {
        return new NodeInfo(id, region, weight, tcpAddrs, wsAddrs, wssAddrs, rpcAddr, sessions, offline,
                updatedAtMillis);
    }

    /** The same entry with the operator's weight changed (comet's runtime weight). */
    public NodeInfo withWeight(int weight) {
        return new NodeInfo(id, region, weight, tcpAddrs, wsAddrs, wssAddrs, rpcAddr, sessions, offline,
                updatedAtMillis);
    }
}
