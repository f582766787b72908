package io.jgoim.logic.http;

import io.jgoim.logic.push.PushService;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The push routes: to keys, to members' sessions, to a room, to everyone. Each answers once the bus holds the push
 * ({@link PushService} validates and publishes); key and mid pushes answer {@code {"routed": n}}, the others
 * {@code null}. Stateless apart from the service; thread-safe.
 */
final class PushRoutes {
    private final PushService push;

    PushRoutes(PushService push) {
        this.push = push;
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.PUSH_KEYS, this::keys);
        table.put(Route.PUSH_MIDS, this::mids);
        table.put(Route.PUSH_ROOM, this::room);
        table.put(Route.PUSH_ALL, this::all);
    }

    private CompletableFuture<?> keys(RouteRequest r) {
        return push.pushKeys(r.integer("operation"), r.strings("keys"), r.body()).thenApply(PushRoutes::routed);
    }

    private CompletableFuture<?> mids(RouteRequest r) {
        return push.pushMids(r.integer("operation"), r.longs("mids"), r.body()).thenApply(PushRoutes::routed);
    }

    private CompletableFuture<?> room(RouteRequest r) {
        return push.pushRoom(r.integer("operation"), r.text("type"), r.text("room"), r.body());
    }

    private CompletableFuture<?> all(RouteRequest r) {
        return push.pushAll(r.integer("operation"), r.integer("speed"), r.body());
    }

    private static Object routed(int sessions) {
        return Map.of("routed", sessions);
    }
}
