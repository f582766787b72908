package io.jgoim.common.admin;

import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's admin route table: method + path to an {@link AdminAction}, with the action's audit name and the query
 * parameters that name its target (written in the audit line). A node fills it while it starts (comet: weight,
 * drain, kick, sessions, presence, log level; job: log level), and a feature adds its routes the same way, e.g.
 * {@code routes.add(GET, "/admin/bans", "bans", List.of(), bans::list)}. Read-only once served; thread-safe then.
 */
public final class AdminRoutes {
    private final Map<String, Map<HttpMethod, Route>> byPath = new LinkedHashMap<>();

    /** One route; {@code audited} false for an action that writes its own audit line (log levels). */
    public record Route(HttpMethod method, String path, String action, List<String> targetParams, boolean audited,
                        AdminAction handler) {
    }

    /** Adds an audited route. */
    public AdminRoutes add(HttpMethod method, String path, String action, List<String> targetParams,
                           AdminAction handler) {
        return add(new Route(method, path, action, List.copyOf(targetParams), true, handler));
    }

    public synchronized AdminRoutes add(Route route) {
        Map<HttpMethod, Route> methods = byPath.computeIfAbsent(route.path(), p -> new LinkedHashMap<>());
        if (methods.putIfAbsent(route.method(), route) != null) {
            throw new IllegalStateException("admin route " + route.method() + " " + route.path() + " bound twice");
        }
        return this;
    }

    /** The routes at {@code path} by method, or null when there is none. */
    synchronized Map<HttpMethod, Route> at(String path) {
        return byPath.get(path);
    }

    /** Every route, in the order added (docs and tests). */
    public synchronized List<Route> all() {
        List<Route> out = new ArrayList<>();
        byPath.values().forEach(m -> out.addAll(m.values()));
        return out;
    }
}
