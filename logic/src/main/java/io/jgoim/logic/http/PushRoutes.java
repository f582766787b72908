package io.jgoim.logic.http;

import io.jgoim.common.http.RawJson;
import io.jgoim.logic.history.AckStatus;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.MidsPushed;
import io.jgoim.logic.push.PushService;
import io.jgoim.protocol.stream.StreamPosition;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The push routes: to keys, to members' sessions, to a room, to everyone. Each answers once the bus holds the push
 * ({@link PushService} validates and publishes); key, mid and room pushes answer {@code {"routed": n}}, a
 * broadcast {@code null}. A mid (or key) push whose members' streams keep history adds
 * {@code "positions": {"<mid>": {"epoch": "<decimal>", "offset": n}}} (the epoch, a u64, as a string: JavaScript numbers lose digits past 2^53); without
 * positions the answer is goim's. {@code must_deliver} pins the message in each member's history until its devices
 * acked it; {@code GET /goim/push/acks} answers which devices did. Stateless apart from the service; thread-safe.
 */
final class PushRoutes {
    private final PushService defaultPush;
    private final OnlineAggregator online;

    PushRoutes(PushService push, OnlineAggregator online) {
        this.defaultPush = push;
        this.online = online;
    }

    /** The push service of the request's tenant (the one ApiService made current, after checking it). */
    private PushService push() {
        return defaultPush.forTenant(io.jgoim.logic.tenant.Tenants.current());
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.PUSH_KEYS, this::keys);
        table.put(Route.PUSH_MIDS, this::mids);
        table.put(Route.PUSH_ROOM, this::room);
        table.put(Route.PUSH_ALL, this::all);
        table.put(Route.PUSH_ACKS, this::acks);
    }

    private CompletableFuture<?> keys(RouteRequest r) {
        return push().pushKeys(r.integer("operation"), r.strings("keys"), r.body()).thenApply(PushRoutes::mids);
    }

    private CompletableFuture<?> mids(RouteRequest r) {
        return push().pushMids(r.integer("operation"), r.longs("mids"), r.body(), r.bool("must_deliver"),
                r.text("id"))
                .thenApply(PushRoutes::mids);
    }

    /**
     * A room push answers {@code {"routed": n}} like a key or mid push: the room's sessions at the last online count
     * (up to {@code online.reportInterval + online.aggregateInterval} old: room pushes are not routed per session),
     * so an empty room answers 0 rather than goim's {@code null}.
     */
    private CompletableFuture<?> room(RouteRequest r) {
        String type = r.text("type");
        String room = r.text("room");
        return push().pushRoom(r.integer("operation"), type, room, r.body(), r.text("id")).thenApply(v ->
                routed(online.snapshot().rooms().getOrDefault(PushService.roomId(type, room), 0)));
    }

    private CompletableFuture<?> all(RouteRequest r) {
        return push().pushAll(r.integer("operation"), r.integer("speed"), r.body(), r.text("id"));
    }

    private CompletableFuture<?> acks(RouteRequest r) {
        PushService push = push();
        return push.history().acks(push.tenant(), r.longValue("mid"), r.longValue("epoch"), r.longValue("offset"))
                .thenApply(PushRoutes::acks);
    }

    /** The ack status as the API answers it (the epoch as a decimal string, like the push's positions). */
    static Object acks(AckStatus s) {
        List<Map<String, Object>> devices = new ArrayList<>(s.devices().size());
        for (AckStatus.DeviceAck d : s.devices()) {
            Map<String, Object> one = new LinkedHashMap<>(2);
            one.put("key", io.jgoim.protocol.Tenancy.local(d.key())); // a tenant's pusher names its own keys
            one.put("acked", d.acked());
            devices.add(one);
        }
        Map<String, Object> out = new LinkedHashMap<>(4);
        out.put("stream", io.jgoim.protocol.Tenancy.local(s.stream()));
        out.put("epoch", Long.toUnsignedString(s.epoch()));
        out.put("offset", s.offset());
        out.put("devices", devices);
        return out;
    }

    private static Object routed(int sessions) {
        return new Routed(sessions);
    }

    /**
     * {@code {"routed": n}}, the answer of most pushes: written straight into the reply ({@link RawJson}), and the
     * same JSON from Jackson wherever it is serialised another way.
     */
    record Routed(int routed) implements RawJson {
        private static final byte[] PREFIX = "{\"routed\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        @Override
        public void writeJson(ByteBuf out) {
            out.writeBytes(PREFIX);
            RawJson.writeLong(out, routed);
            out.writeByte('}');
        }
    }

    /** One member's position as the API answers it. */
    record Position(String epoch, long offset) {
    }

    static Object mids(MidsPushed pushed) {
        if (pushed.positions().isEmpty()) {
            return routed(pushed.routed());
        }
        Map<String, Object> positions = new LinkedHashMap<>();
        for (Map.Entry<Long, StreamPosition> e : pushed.positions().entrySet()) {
            positions.put(Long.toString(e.getKey()),
                    new Position(Long.toUnsignedString(e.getValue().epoch()), e.getValue().offset()));
        }
        Map<String, Object> out = new LinkedHashMap<>(2);
        out.put("routed", pushed.routed());
        out.put("positions", positions);
        return out;
    }
}
