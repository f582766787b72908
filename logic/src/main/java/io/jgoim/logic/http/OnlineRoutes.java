package io.jgoim.logic.http;

import io.jgoim.common.registry.NodeInfo;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The online-count routes, answered from the {@link OnlineAggregator}'s last snapshot (refreshed every
 * {@code online.aggregateInterval}) and, for the total, the registered comets' session counts. JSON shapes as in
 * goim. Thread-safe.
 */
final class OnlineRoutes {
    /** Most rooms one top query answers. */
    private static final int MAX_TOP = 1000;

    private final OnlineAggregator online;
    private final NodeBalancer nodes;

    OnlineRoutes(OnlineAggregator online, NodeBalancer nodes) {
        this.online = online;
        this.nodes = nodes;
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.ONLINE_TOP, this::top);
        table.put(Route.ONLINE_ROOM, this::room);
        table.put(Route.ONLINE_TOTAL, this::total);
    }

    /** {@code [{"room_id": id, "count": n}, ...]}, largest first. */
    private CompletableFuture<?> top(RouteRequest r) {
        String type = io.jgoim.protocol.Tenancy.namespaced(io.jgoim.logic.tenant.Tenants.current(), r.text("type"));
        int limit = r.integer("limit");
        if (limit <= 0 || limit > MAX_TOP) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER,
                    "limit must be within 1.." + MAX_TOP);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : online.top(type, limit)) {
            Map<String, Object> room = new LinkedHashMap<>(2);
            room.put("room_id", e.getKey());
            room.put("count", e.getValue());
            out.add(room);
        }
        return CompletableFuture.completedFuture(out);
    }

    /** {@code {"<room>": n, ...}} for the rooms asked. */
    private CompletableFuture<?> room(RouteRequest r) {
        return CompletableFuture.completedFuture(online.rooms(
                io.jgoim.protocol.Tenancy.namespaced(io.jgoim.logic.tenant.Tenants.current(), r.text("type")),
                r.strings("rooms")));
    }

    private CompletableFuture<?> total(RouteRequest r) {
        OnlineAggregator.Snapshot s = online.snapshot();
        String tenant = io.jgoim.logic.tenant.Tenants.current();
        long tenantSessions = 0;
        int tenantRooms = 0;
        for (Map.Entry<String, Integer> e : s.rooms().entrySet()) {
            if (io.jgoim.protocol.Tenancy.tenantOf(e.getKey()).equals(tenant)) {
                tenantSessions += e.getValue();
                tenantRooms++;
            }
        }
        long roomSessions = tenantSessions;
        int roomCount = tenantRooms;
        return nodes.instances().thenApply(comets -> {
            long conns = 0;
            for (NodeInfo n : comets) {
                conns += n.sessions();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("conn_count", conns);
            out.put("room_sessions", roomSessions); // the request's tenant's rooms (all rooms: no tenants)
            out.put("room_count", roomCount);
            out.put("comet_count", comets.size());
            return out;
        });
    }
}
