package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import io.micrometer.core.instrument.Counter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Builds one tenant's unsequenced {@code PushMsg} records and hands them to the bus: one record per comet for routed
 * keys (goim's grouping, keyed by the server id), and the room and broadcast records; in a Kafka produce span when
 * tracing is on. Counts the sessions pushes were routed to. Apart from {@link PushService}, which decides what is
 * pushed where, because this is only how a decided push leaves. Thread-safe; one per tenant view, the bus and
 * counter shared.
 */
final class PushRecords {
    private final PushPublisher bus;
    private final Clock clock;
    private final Counter routed;
    /** Null when tracing is off. */
    private final ProduceSpans produce;
    private final String tenant;

    PushRecords(PushPublisher bus, Clock clock, Counter routed, ProduceSpans produce, String tenant) {
        this.bus = bus;
        this.clock = clock;
        this.routed = routed;
        this.produce = produce;
        this.tenant = tenant;
    }

    /** The same bus, clock, counter and spans for {@code tenant}'s records. */
    PushRecords forTenant(String tenant) {
        return new PushRecords(bus, clock, routed, produce, tenant);
    }

    /** Counts {@code n} sessions a push was routed to by another way (the member sequencer). */
    void countRouted(int n) {
        routed.increment(n);
    }

    /** One record per comet holding some of {@code routes}; {@code member}: the push was addressed to members. */
    CompletableFuture<Integer> publishPerServer(int operation, Map<String, String> routes, ByteString message,
                                                boolean member) {
        if (routes.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        Map<String, List<String>> byServer = new HashMap<>();
        routes.forEach((key, server) -> byServer.computeIfAbsent(server, s -> new ArrayList<>()).add(key));
        long now = clock.millis();
        CompletableFuture<?>[] sends = new CompletableFuture<?>[byServer.size()];
        int i = 0;
        for (Map.Entry<String, List<String>> e : byServer.entrySet()) {
            PushMsg msg = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(operation).setMember(member)
                    .setServer(e.getKey()).addAllKeys(e.getValue()).setMsg(message).setCreatedAtMs(now)
                    .setTenant(tenant).build();
            sends[i++] = publish(e.getKey(), msg);
        }
        int count = routes.size();
        return CompletableFuture.allOf(sends).thenApply(v -> {
            routed.increment(count);
            return count;
        });
    }

    /**
     * The record of a push to room {@code roomId} (already in the tenant's namespace), keyed by the room;
     * {@code pushId} the caller's id of it, or null.
     */
    CompletableFuture<Void> publishRoom(int operation, String roomId, ByteString message, String pushId) {
        PushMsg.Builder msg = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(operation).setRoom(roomId)
                .setMsg(message).setCreatedAtMs(clock.millis()).setTenant(tenant);
        if (pushId != null) {
            msg.setPushId(pushId);
        }
        return publish(roomId, msg.build());
    }

    /**
     * The record of a broadcast at {@code speed} sessions/s, keyed {@link PushService#BROADCAST_KEY}; {@code pushId}
     * the caller's id of it, or null.
     */
    CompletableFuture<Void> publishBroadcast(int operation, int speed, ByteString message, String pushId) {
        PushMsg.Builder msg = PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(operation)
                .setSpeed(speed).setMsg(message).setCreatedAtMs(clock.millis()).setTenant(tenant);
        if (pushId != null) {
            msg.setPushId(pushId);
        }
        return publish(PushService.BROADCAST_KEY, msg.build());
    }

    /** Publishes to the bus, in a Kafka produce span when tracing is on (the publisher injects its context). */
    private CompletableFuture<Void> publish(String recordKey, PushMsg msg) {
        return produce == null ? bus.publish(recordKey, msg) : produce.publish(bus, recordKey, msg);
    }
}
