package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.common.history.Audience;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import io.jgoim.protocol.stream.StreamPosition;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sequences one member's push at publish, the one ordering point of a member stream {@code mid:<mid>}: append the
 * message's frame to its stream (ONE store call per member, however many devices), look up the member's sessions,
 * then publish one record per comet holding that member's keys, keyed by the comet's id as every key/mid push is,
 * with the stream's position in {@code PushMsg.stream/epoch/offset}.
 *
 * <p>The lookup follows the append: a device that connects meanwhile is found by the lookup (and gets the message
 * live) or reads, after its Connect, a history that already holds it (and gets it by resume) — with the lookup
 * first, a device connecting between the two got neither until the member's next message showed the gap (seen
 * once in a million deliveries in RollingRestartIT). The price: a lookup that fails after the append leaves the
 * entry behind (the push answers 503; a retry without {@code id} appends it again — at least once, as with any
 * multi-target push). One logic node publishes a member's pushes in the order the store numbered them (appends,
 * then lookups, are answered in order on one connection), so comets see no gap from it. A member with no session
 * is still appended (a device that comes back resumes from history) and gets no record. A failed append publishes
 * nothing for that member; UNAVAILABLE and TIMEOUT from the store become UNAVAILABLE (HTTP 503, "not accepted,
 * retry"), as a Redis or Kafka failure does. Thread-safe; stateless apart from its counter.
 */
final class MemberSequencer {
    private final SessionDirectory directory;
    private final PushPublisher bus;
    private final HistoryStore store;
    private final Counter appendFailures;
    /** The tenant whose members this sequences ("" = the default tenant); its records carry it. */
    private final String tenant;

    MemberSequencer(SessionDirectory directory, PushPublisher bus, HistoryStore store, Counter appendFailures) {
        this(directory, bus, store, appendFailures, io.jgoim.protocol.Tenancy.DEFAULT);
    }

    private MemberSequencer(SessionDirectory directory, PushPublisher bus, HistoryStore store,
                            Counter appendFailures, String tenant) {
        this.directory = directory;
        this.bus = bus;
        this.store = store;
        this.appendFailures = appendFailures;
        this.tenant = tenant;
    }

    /** This sequencer for {@code tenant}'s members, who live in {@code tenantDirectory} (its directory view). */
    MemberSequencer forTenant(SessionDirectory tenantDirectory, String tenant) {
        return new MemberSequencer(tenantDirectory, bus, store, appendFailures, tenant);
    }

    /** One member's outcome: its message's position and the sessions it was routed to. */
    record Sequenced(long mid, StreamPosition position, int routed) {
    }

    /**
     * The whole goim frame of a pushed message (16-byte header: packLen, headerLen 16, ver 1, op, seq 0; then the
     * body): the history entry, exactly the bytes a TCP client gets for it. Encoded once per push, shared by every
     * member's append (the store never changes it).
     */
    static byte[] frame(int operation, ByteString message) {
        byte[] out = new byte[PacketLayout.HEADER_LENGTH + message.size()];
        ProtoCodec.writeHeader(Unpooled.wrappedBuffer(out).writerIndex(0), message.size(), PacketLayout.VERSION,
                operation, 0);
        message.copyTo(out, PacketLayout.HEADER_LENGTH);
        return out;
    }

    /**
     * Appends {@code frame} to {@code stream} ({@code pinned}: a must-deliver message), looks the member's devices
     * up, publishes; fails with the first failure of the chain.
     */
    CompletableFuture<Sequenced> push(long mid, String stream, Retention retention, int operation,
                                      ByteString message, byte[] frame, long createdAtMs, boolean pinned,
                                      String pushId) {
        List<String> ids = pushId == null ? null : List.of("api:" + pushId);
        // Append first, then look the devices up: a device that connects in between is either found by the lookup
        // (live) or reads a history that holds the message (resume) — never neither.
        return append(stream, frame, ids, retention, pinned).thenCompose(at -> directory.keysByMids(List.of(mid))
                .thenCompose(routes -> publish(mid, at, routes, operation, message, createdAtMs)));
    }

    /**
     * A key push to {@code targets}, keys of member {@code mid} (whose routes are {@code targetRoutes}; a null server:
     * that device is away, it gets the push by resume): appends {@code frame} ONCE to its stream with the targets as
     * the entry's {@link Audience}, looks up the member's devices, then publishes to every comet holding one of the member's devices: the targets there in
     * {@code keys}, the member's other devices there in {@code advance_keys} (their cursors advance silently).
     * Completes with the targets routed (connected).
     */
    CompletableFuture<Sequenced> pushKeys(long mid, String stream, Retention retention, List<String> targets,
                                          Map<String, String> targetRoutes, int operation, ByteString message,
                                          byte[] frame, long createdAtMs) {
        String audience = Audience.encode(targets);
        return append(stream, frame, null, retention, false, audience).thenCompose(at -> directory
                .keysByMids(List.of(mid)).thenCompose(devices -> {
                    Map<String, List<String>> write = new HashMap<>();
                    Map<String, List<String>> advance = new HashMap<>();
                    int[] routed = {0};
                    targetRoutes.forEach((key, server) -> {
                        if (server != null) { // null: the device is away, it gets the push by resume
                            write.computeIfAbsent(server, s -> new ArrayList<>(1)).add(key);
                            routed[0]++;
                        }
                    });
                    devices.forEach((key, server) -> {
                        if (!targetRoutes.containsKey(key)) {
                            advance.computeIfAbsent(server, s -> new ArrayList<>(2)).add(key);
                        }
                    });
                    return publish(mid, at, write, advance, operation, message, createdAtMs, routed[0], false);
                }));
    }

    private CompletableFuture<StreamPosition> append(String stream, byte[] frame, List<String> ids,
                                                     Retention retention, boolean pinned) {
        return append(stream, frame, ids, retention, pinned, null);
    }

    private CompletableFuture<StreamPosition> append(String stream, byte[] frame, List<String> ids,
                                                     Retention retention, boolean pinned, String audience) {
        CompletableFuture<HistoryStore.Appended> call;
        try {
            call = store.append(stream, List.of(frame), ids, retention, pinned, audience);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((appended, error) -> {
            if (error == null && appended.offsets().length == 1) {
                return new StreamPosition(stream, appended.epoch(), appended.offsets()[0]);
            }
            appendFailures.increment();
            throw new CompletionException(storeFailure(stream, error));
        });
    }

    private static Throwable storeFailure(String stream, Throwable error) {
        if (error == null) {
            return new JgoimException(ErrorCode.INTERNAL, "history store: one entry appended to " + stream
                    + " but not one offset back");
        }
        Throwable t = Failures.unwrap(error);
        if (t instanceof JgoimException) {
            ErrorCode code = ((JgoimException) t).code();
            if (code == ErrorCode.UNAVAILABLE || code == ErrorCode.TIMEOUT) {
                return new JgoimException(ErrorCode.UNAVAILABLE, "history store: " + t.getMessage(), t);
            }
        }
        return t;
    }

    private CompletableFuture<Sequenced> publish(long mid, StreamPosition at, Map<String, String> routes,
                                                 int operation, ByteString message, long createdAtMs) {
        if (routes.isEmpty()) {
            return CompletableFuture.completedFuture(new Sequenced(mid, at, 0));
        }
        Map<String, List<String>> byServer = new HashMap<>();
        routes.forEach((key, server) -> byServer.computeIfAbsent(server, s -> new ArrayList<>(2)).add(key));
        return publish(mid, at, byServer, Map.of(), operation, message, createdAtMs, routes.size(), true);
    }

    /**
     * One record per comet in {@code write} or {@code advance}, keyed by the comet's id; {@code member}: a push
     * addressed to the member (the comet's latency kind "mid"), not to its keys.
     */
    private CompletableFuture<Sequenced> publish(long mid, StreamPosition at, Map<String, List<String>> write,
                                                 Map<String, List<String>> advance, int operation,
                                                 ByteString message, long createdAtMs, int routed, boolean member) {
        Set<String> servers = new LinkedHashSet<>(write.keySet());
        servers.addAll(advance.keySet());
        CompletableFuture<?>[] sends = new CompletableFuture<?>[servers.size()];
        int i = 0;
        for (String server : servers) {
            PushMsg msg = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(operation)
                    .setServer(server).addAllKeys(write.getOrDefault(server, List.of()))
                    .addAllAdvanceKeys(advance.getOrDefault(server, List.of())).setMsg(message)
                    .setCreatedAtMs(createdAtMs).setStream(at.stream()).setEpoch(at.epoch()).setOffset(at.offset())
                    .setMember(member).setTenant(tenant).build();
            sends[i++] = bus.publish(server, msg);
        }
        return CompletableFuture.allOf(sends).thenApply(v -> new Sequenced(mid, at, routed));
    }
}
