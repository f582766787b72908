package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.RoomIds;
import io.jgoim.protocol.rpc.PushPublisher;
import io.jgoim.protocol.stream.StreamPosition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.jgoim.logic.push.PushChecks.checkMessage;
import static io.jgoim.logic.push.PushChecks.checkOp;
import static io.jgoim.logic.push.PushChecks.checkPushId;
import static io.jgoim.logic.push.PushChecks.checkTargets;

/**
 * The push API's logic, shared by the HTTP routes and by standalone callers: validates a push, routes key and mid
 * pushes through the {@link SessionDirectory}, and publishes {@code PushMsg} records to the bus. A returned future
 * completes only after the bus acknowledged every record of the push; it fails with a {@link JgoimException}
 * (BAD_PARAMETER for bad input, UNAVAILABLE when Redis or the bus is down).
 *
 * <p>Record keys: a room push is keyed by its room id (order per room). Key and mid pushes are grouped per comet
 * server (one record per comet, as goim does) and keyed by that server id: a session lives on exactly one comet, so
 * all of one session's pushes share a record key and stay in order. Broadcasts are keyed {@code "broadcast"}.
 *
 * <p>Members whose stream {@code mid:<mid>} keeps history ({@link StreamHistory}) are sequenced at publish by the
 * {@link MemberSequencer}: one store append per member, then one record per (member, comet) carrying the position.
 * Other members, and every member on a node without a history store, are pushed exactly as goim does. Key pushes
 * to a member's session are sequenced in the member's stream too (the entry records its target keys). Thread-safe
 * and stateless apart from its counters. How a decided push leaves as records is {@link PushRecords}'s; the input
 * checks are {@link PushChecks}.
 */
public final class PushService {
    /** Ops below this are protocol ops (heartbeat, auth, raw...); pushes carry business ops. */
    public static final int MIN_BUSINESS_OP = 1000;
    /** Most keys or mids in one push call. */
    public static final int MAX_TARGETS = 10_000;
    public static final String BROADCAST_KEY = "broadcast";

    private final SessionDirectory directory;
    private final Clock clock;
    private final PushRecords records;
    private final StreamHistory history;
    private final MemberSequencer sequencer;
    /** The tenant this service pushes for: "" = the default tenant, else its keys and rooms are namespaced. */
    private final String tenant;
    private final Map<String, PushService> tenants;

    /** No member stream keeps history: every push is goim's. */
    public PushService(SessionDirectory directory, PushPublisher bus, MeterRegistry registry, Clock clock) {
        this(directory, bus, StreamHistory.none(), registry, clock);
    }

    public PushService(SessionDirectory directory, PushPublisher bus, StreamHistory history, MeterRegistry registry,
                       Clock clock) {
        this(directory, bus, history, registry, clock, Tracing.off());
    }

    /** {@code tracing}: each publish gets a Kafka produce span, the child of the push API's span. */
    public PushService(SessionDirectory directory, PushPublisher bus, StreamHistory history, MeterRegistry registry,
                       Clock clock, Tracing tracing) {
        this.tenant = io.jgoim.protocol.Tenancy.DEFAULT;
        this.tenants = new java.util.concurrent.ConcurrentHashMap<>();
        this.directory = directory;
        this.clock = clock;
        this.history = history;
        this.records = new PushRecords(bus, clock, Counter.builder("jgoim.logic.push.sessions.routed")
                .description("sessions a key or mid push was routed to").register(registry),
                tracing.enabled() ? new ProduceSpans(tracing) : null, tenant);
        HistoryStore store = history.store();
        this.sequencer = store == null ? null : new MemberSequencer(directory, bus, store,
                Counter.builder("jgoim.logic.history.append.failures")
                        .description("member pushes refused because the history store failed to append them")
                        .register(registry));
    }

    /**
     * A tenant's view of the default tenant's service: the same bus and meters, the tenant's directory view (its
     * members), its keys and rooms namespaced and its pushes marked with it (docs/operations.md, Tenants). A declared
     * tenant's member streams ({@code <tenant><US>mid:<mid>}) keep history like the default tenant's, sequenced by
     * the same store apart from every other tenant's. {@code tenant} must be resolved
     * ({@link io.jgoim.logic.tenant.Tenants#resolve}); "" answers this service. Views are cached.
     */
    public PushService forTenant(String tenant) {
        return tenant.isEmpty() ? this : tenants.computeIfAbsent(tenant, t -> new PushService(this, t));
    }

    private PushService(PushService base, String tenant) {
        this.directory = base.directory.forTenant(tenant);
        this.clock = base.clock;
        this.history = base.history;
        this.records = base.records.forTenant(tenant);
        this.sequencer = base.sequencer == null ? null : base.sequencer.forTenant(this.directory, tenant);
        this.tenant = tenant;
        this.tenants = base.tenants;
    }

    /** The tenant this service pushes for ("" = the default tenant). */
    public String tenant() {
        return tenant;
    }

    /** {@code id} (a key or room id from the caller) in this service's tenant namespace. */
    private String ns(String id) {
        // In every tenant, the default one too: "<tenant><US><key>" from a default-tenant caller is that tenant's
        // own key in the session store (a cluster's Redis), so it would reach another tenant's sessions.
        if (io.jgoim.protocol.Tenancy.forged(id)) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "keys and rooms may not hold U+001F");
        }
        return tenant.isEmpty() ? id : io.jgoim.protocol.Tenancy.namespaced(tenant, id);
    }

    /** Which streams keep history, and the store (the push API's ack status reads it). */
    public StreamHistory history() {
        return history;
    }

    /**
     * Pushes to sessions by key; completes with the number of connected sessions the push was routed to and, for
     * each member whose stream keeps history and who owns some of the keys, the position its stream gave the message.
     * Those keys' pushes are sequenced in the member's stream ({@link MemberSequencer#pushKeys}: one append per
     * member, the targeted keys recorded with the entry, every comet holding the member's devices told); keys of
     * anonymous sessions, of members without history, and keys whose route names no member (routed by an older
     * node) are pushed as goim does. A member's key that is away (its session ended within the session ttl: a
     * reconnect, a drain) is sequenced too, not routed: its device gets the push when it resumes. One directory
     * lookup for all keys (one command per key, as before), then one device lookup and one append per member.
     */
    public CompletableFuture<MidsPushed> pushKeys(int operation, Collection<String> keys, ByteString message) {
        checkOp(operation);
        checkTargets(keys.size(), "keys");
        for (String k : keys) {
            if (k == null || k.isEmpty()) {
                throw new JgoimException(ErrorCode.BAD_PARAMETER, "keys: empty key");
            }
            ns(k); // refuses a key holding the tenant separator, in the default tenant too
        }
        checkMessage(message);
        if (!tenant.isEmpty()) {
            List<String> namespaced = new ArrayList<>(keys.size());
            for (String k : keys) {
                namespaced.add(ns(k));
            }
            keys = namespaced;
        }
        if (sequencer == null || !history.config().members().enabled()) {
            return directory.serversByKeys(keys).thenCompose(ProduceSpans.inCurrent(
                    routes -> records.publishPerServer(operation, routes, message, false)))
                    .thenApply(MidsPushed::unpositioned);
        }
        return directory.routesByKeys(keys).thenCompose(ProduceSpans.inCurrent(
                routes -> sequenceKeys(operation, routes, message)));
    }

    private CompletableFuture<MidsPushed> sequenceKeys(int operation, Map<String, SessionDirectory.KeyRoute> routes,
                                                       ByteString message) {
        Map<String, String> plain = new HashMap<>();
        Map<Long, Map<String, String>> byMember = new LinkedHashMap<>();
        routes.forEach((key, r) -> {
            if (r.mid() != 0 && history.config().retention(StreamPosition.memberStream(tenant, r.mid())).enabled()) {
                byMember.computeIfAbsent(r.mid(), m -> new HashMap<>(2)).put(key, r.server()); // server null: away
            } else if (r.server() != null) {
                plain.put(key, r.server());
            }
        });
        CompletableFuture<Integer> plainDone = plain.isEmpty()
                ? CompletableFuture.completedFuture(0) : records.publishPerServer(operation, plain, message, false);
        if (byMember.isEmpty()) {
            return plainDone.thenApply(MidsPushed::unpositioned);
        }
        byte[] frame = MemberSequencer.frame(operation, message);
        long now = clock.millis();
        List<CompletableFuture<MemberSequencer.Sequenced>> sequenced = new ArrayList<>(byMember.size());
        byMember.forEach((mid, targets) -> {
            String stream = StreamPosition.memberStream(tenant, mid);
            sequenced.add(sequencer.pushKeys(mid, stream, history.config().retention(stream),
                    new ArrayList<>(targets.keySet()), targets, operation, message, frame, now));
        });
        return collect(sequenced, plainDone);
    }

    /** The positions of the sequenced members and the sessions routed, once every publish completed. */
    private CompletableFuture<MidsPushed> collect(List<CompletableFuture<MemberSequencer.Sequenced>> sequenced,
                                                  CompletableFuture<Integer> plainDone) {
        CompletableFuture<?>[] all = sequenced.toArray(new CompletableFuture<?>[sequenced.size() + 1]);
        all[sequenced.size()] = plainDone;
        return CompletableFuture.allOf(all).thenApply(v -> {
            Map<Long, StreamPosition> positions = new LinkedHashMap<>();
            int count = 0;
            for (CompletableFuture<MemberSequencer.Sequenced> f : sequenced) {
                MemberSequencer.Sequenced s = f.join();
                positions.put(s.mid(), s.position());
                count += s.routed();
            }
            records.countRouted(count); // the plain part counted itself
            return new MidsPushed(count + plainDone.join(), positions);
        });
    }

    /**
     * Pushes to every session of these members; completes with the number of sessions routed to and, for members
     * whose stream keeps history, the position their stream gave the message (a member without a session too).
     */
    public CompletableFuture<MidsPushed> pushMids(int operation, Collection<Long> mids, ByteString message) {
        return pushMids(operation, mids, message, false);
    }

    /**
     * {@link #pushMids(int, Collection, ByteString)}; {@code mustDeliver} pins the message in each member's history
     * until every device of the member seen within the ttl acknowledged it (or the ttl passed). Refused with
     * HISTORY_OFF, before anything is published, when any of the members' streams keeps no history.
     */
    public CompletableFuture<MidsPushed> pushMids(int operation, Collection<Long> mids, ByteString message,
                                                  boolean mustDeliver) {
        return pushMids(operation, mids, message, mustDeliver, null);
    }

    /** Most characters of a push id. */
    public static final int MAX_PUSH_ID = 128;

    /**
     * {@link #pushMids(int, Collection, ByteString, boolean)} with the caller's id of this push ({@code pushId}, null
     * for none): a member stream that already took a push with this id within its history keeps the position it gave
     * it and does not append it again, so a caller retrying after a 503 (the push may have been stored before the
     * failure) reaches each member at most once more under the SAME position, which comets and clients drop as a
     * duplicate.
     */
    public CompletableFuture<MidsPushed> pushMids(int operation, Collection<Long> mids, ByteString message,
                                                  boolean mustDeliver, String pushId) {
        checkOp(operation);
        checkPushId(pushId);
        checkTargets(mids.size(), "mids");
        if (mids.contains(0L)) {
            // an anonymous session has member id 0 and no member stream: such a push reached nobody, and with member
            // history on it made a stream "mid:0" all the same
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "mids: 0 is no member (anonymous sessions have none)");
        }
        checkMessage(message);
        if (mustDeliver && (sequencer == null || !history.config().members().enabled())) {
            throw new JgoimException(ErrorCode.HISTORY_OFF, "must_deliver needs member streams that keep history "
                    + "(history.members.size > 0 and a history store)");
        }
        if (sequencer == null) {
            return pushPlainMids(operation, mids, message).thenApply(MidsPushed::unpositioned);
        }
        List<Long> plain = new ArrayList<>();
        List<CompletableFuture<MemberSequencer.Sequenced>> sequenced = new ArrayList<>();
        byte[] frame = null;
        long now = clock.millis();
        for (Long mid : new LinkedHashSet<>(mids)) {
            String stream = StreamPosition.memberStream(tenant, mid);
            Retention retention = history.config().retention(stream);
            if (!retention.enabled()) {
                plain.add(mid);
                continue;
            }
            frame = frame == null ? MemberSequencer.frame(operation, message) : frame; // once per push
            sequenced.add(sequencer.push(mid, stream, retention, operation, message, frame, now, mustDeliver,
                    pushId));
        }
        CompletableFuture<Integer> plainDone = plain.isEmpty()
                ? CompletableFuture.completedFuture(0) : pushPlainMids(operation, plain, message);
        return collect(sequenced, plainDone);
    }

    private CompletableFuture<Integer> pushPlainMids(int operation, Collection<Long> mids, ByteString message) {
        return directory.keysByMids(mids).thenCompose(ProduceSpans.inCurrent(
                routes -> records.publishPerServer(operation, routes, message, true)));
    }

    /** Pushes to every member of room {@code type://room}. */
    public CompletableFuture<Void> pushRoom(int operation, String type, String room, ByteString message) {
        return pushRoom(operation, type, room, message, null);
    }

    /**
     * {@link #pushRoom(int, String, String, ByteString)} with the caller's id of this push ({@code pushId}, null for
     * none): job appends it to the room's stream under that id, so a retry after a 503 that finds the first attempt
     * stored (within the room's history) goes out under the SAME position, which position-aware clients drop.
     */
    public CompletableFuture<Void> pushRoom(int operation, String type, String room, ByteString message,
                                            String pushId) {
        checkOp(operation);
        checkPushId(pushId);
        String roomId = ns(roomId(type, room));
        checkMessage(message);
        return records.publishRoom(operation, roomId, message, pushId);
    }

    /** Pushes to every session, spread at {@code speed} sessions/s over the cluster (0 = as fast as possible). */
    public CompletableFuture<Void> pushAll(int operation, int speed, ByteString message) {
        return pushAll(operation, speed, message, null);
    }

    /** {@link #pushAll(int, int, ByteString)} with the caller's id of it, as for a room push (the broadcast stream). */
    public CompletableFuture<Void> pushAll(int operation, int speed, ByteString message, String pushId) {
        checkOp(operation);
        checkPushId(pushId);
        if (speed < 0) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "speed must be >= 0");
        }
        checkMessage(message);
        return records.publishBroadcast(operation, speed, message, pushId);
    }

    /** goim's room id: {@code type://room}; both parts required. */
    public static String roomId(String type, String room) {
        if (type == null || type.isEmpty()) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "type is required (e.g. live)");
        }
        if (type.contains("://")) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "type is the room's type alone (live), without '://'");
        }
        if (room == null || room.isEmpty()) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "room is required");
        }
        String id = type + "://" + room;
        if (!RoomIds.valid(id)) {
            throw new JgoimException(ErrorCode.BAD_ROOM, RoomIds.RULE);
        }
        return id;
    }
}
