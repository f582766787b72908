package io.jgoim.comet.push;

import io.jgoim.common.metrics.TenantLabels;
import io.jgoim.protocol.Tenancy;
import com.google.protobuf.ByteString;
import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.index.ForwardedPosition;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.metrics.PushLatency;
import io.jgoim.comet.stream.HistoryReads;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjIntConsumer;

/**
 * The comet side of {@link CometService}: what job calls to reach sessions. Each request's frame bytes are copied
 * once into one pooled direct buffer ({@link PushFrame}); key pushes are offered to the target sessions' rings,
 * room and broadcast pushes go to {@link RoomBroadcaster} (each event loop's next fan-out pass, joined there with what
 * else gathered for the same room). Non-blocking and thread-safe; futures complete once the frame was handed to the
 * sessions' event loops; a room batch's, as its request's {@code ack} asks, once every loop wrote it (WRITTEN, the
 * default: real delivered/dropped) or took it into a pass (ACCEPTED: the members it was handed to, the real outcome
 * in this comet's meters). A request that carries job's request id is taken once: a retry of it (job's deadline
 * passed while this comet was still at it) gets the first attempt's outcome ({@link RecentRequests}), so sessions
 * never receive a retried push twice.
 *
 * <p>A request with a stream position (a room batch or a member push whose stream keeps history) makes a positioned
 * frame: plain for goim and ver-2 sessions, one shared op-20 frame for position-aware ones. A positioned room batch
 * also feeds the comet's recent messages of that room ({@link HistoryReads}) before it fans out, so a session that
 * resumes meanwhile finds it in one place or the other; so does a positioned broadcast (the broadcast stream). A
 * positioned broadcast reaches every position-aware session, those that do not watch its op only advancing past it.
 */
public final class CometPushService implements CometService {
    private final SessionIndex index;
    private final RoomBroadcaster broadcaster;
    private final ByteBufAllocator alloc;
    private final RecentRequests recent;
    private final HistoryReads history;
    private final PushLatency latency;
    /** Frames handed to sessions, by the push's tenant: resolved once per push. */
    private final TenantLabels.Counters tenantDeliveries;
    /** Told of the messages of positioned room batches and broadcasts not written again (repeats), by kind. */
    private final ObjIntConsumer<PushLatency.Kind> repeats;
    /** The last position handed to every session, per broadcast stream (one per tenant that broadcasts). */
    private final Map<String, ForwardedPosition> broadcastsForwarded = new ConcurrentHashMap<>();

    public CometPushService(SessionIndex index, RoomBroadcaster broadcaster, ByteBufAllocator alloc) {
        this(index, broadcaster, alloc, () -> { });
    }

    /** {@code onRepeat} is called for every request answered from its first attempt's outcome (a retry). */
    public CometPushService(SessionIndex index, RoomBroadcaster broadcaster, ByteBufAllocator alloc,
                            Runnable onRepeat) {
        this(index, broadcaster, alloc, onRepeat, null);
    }

    /** {@code history}: the comet's history reads, whose recent messages positioned room batches feed (or null). */
    public CometPushService(SessionIndex index, RoomBroadcaster broadcaster, ByteBufAllocator alloc,
                            Runnable onRepeat, HistoryReads history) {
        this(index, broadcaster, alloc, onRepeat, history, PushLatency.noop());
    }

    /** {@code latency}: where each push's publish-to-written time goes (once per push, never per session). */
    public CometPushService(SessionIndex index, RoomBroadcaster broadcaster, ByteBufAllocator alloc,
                            Runnable onRepeat, HistoryReads history, PushLatency latency) {
        this(index, broadcaster, alloc, onRepeat, history, latency,
                TenantLabels.none().counters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "noop",
                        "noop"));
    }

    /** {@code tenantDeliveries}: the frames each push handed to sessions, by its tenant (once per push). */
    public CometPushService(SessionIndex index, RoomBroadcaster broadcaster, ByteBufAllocator alloc,
                            Runnable onRepeat, HistoryReads history, PushLatency latency,
                            TenantLabels.Counters tenantDeliveries) {
        this(index, broadcaster, alloc, onRepeat, history, latency, tenantDeliveries, (kind, n) -> { });
    }

    /**
     * {@code repeats} is told how many messages of a positioned room batch (ROOM) or broadcast (BROADCAST) their
     * audience already had from this comet ({@link ForwardedPosition}): dropped, not written again.
     */
    public CometPushService(SessionIndex index, RoomBroadcaster broadcaster, ByteBufAllocator alloc,
                            Runnable onRepeat, HistoryReads history, PushLatency latency,
                            TenantLabels.Counters tenantDeliveries, ObjIntConsumer<PushLatency.Kind> repeats) {
        this.repeats = repeats;
        this.tenantDeliveries = tenantDeliveries;
        this.latency = latency;
        this.history = history;
        this.index = index;
        this.broadcaster = broadcaster;
        this.alloc = alloc;
        this.recent = new RecentRequests(RECENT_REQUESTS, onRepeat);
    }

    /** Request ids remembered for answering retries: minutes of job traffic at hundreds of calls per second. */
    static final int RECENT_REQUESTS = 1 << 15;

    @Override
    public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq req) {
        return recent.once(req.getRequestId(), () -> doPushMsg(req));
    }

    /**
     * Offers the push to its keys' sessions that watch its op. A positioned push is offered to every position-aware
     * session among them, watching or not, and to the position-aware sessions of {@code advance_keys} (the member's
     * devices it is not addressed to): their delivery skips what is not for them and only advances its cursor, so
     * they see no gap. Skipped offers are not counted as delivered.
     */
    private CompletableFuture<PushMsgReply> doPushMsg(PushMsgReq req) {
        boolean positioned = req.hasPosition();
        if ((req.getKeysCount() == 0 && (!positioned || req.getAdvanceKeysCount() == 0)) || !req.hasProto()
                || req.getProto().getBody().isEmpty()) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER,
                    "PushMsg needs keys and a non-empty proto body"));
        }
        PushFrame frame;
        try {
            Set<String> audience = req.getAdvanceKeysCount() == 0 ? null : Set.copyOf(req.getKeysList());
            frame = positioned ? positioned(req.getProto().getBody(), req.getPosition(), null, req.getProtoOp(),
                    audience) : frame(req.getProto().getBody());
        } catch (JgoimException e) {
            return CompletableFuture.failedFuture(e);
        }
        int delivered = 0;
        int dropped = 0;
        int missing = 0;
        try {
            for (int i = 0; i < req.getKeysCount(); i++) {
                Session s = index.session(req.getKeys(i));
                if (s == null) {
                    missing++;
                } else if (s.needPush(req.getProtoOp())) {
                    Session.Offer o = s.offerTo(frame); // HAD_IT (handed before, job sent it again): neither
                    delivered += o == Session.Offer.QUEUED ? 1 : 0;
                    dropped += o == Session.Offer.DROPPED ? 1 : 0;
                } else if (positioned && s.streams() != null) {
                    s.offer(frame); // an op it does not watch: skipped, the cursor advances
                }
            }
            for (int i = 0; positioned && i < req.getAdvanceKeysCount(); i++) {
                Session s = index.session(req.getAdvanceKeys(i));
                if (s != null && s.streams() != null) {
                    s.offer(frame);
                }
            }
        } finally {
            frame.release();
        }
        if (delivered > 0) {
            latency.written(req.getMember() ? PushLatency.Kind.MID : PushLatency.Kind.KEY, req.getCreatedAtMs(),
                    System.currentTimeMillis());
            // One push's keys are one tenant's (namespaced alike): the first names it.
            tenantDeliveries.of(Tenancy.tenantOf(req.getKeys(0))).increment(delivered);
        }
        return CompletableFuture.completedFuture(PushMsgReply.newBuilder().setDelivered(delivered)
                .setDropped(dropped).setMissing(missing).build());
    }

    @Override
    public CompletableFuture<BroadcastReply> broadcast(BroadcastReq req) {
        return recent.once(req.getRequestId(), () -> doBroadcast(req));
    }

    private CompletableFuture<BroadcastReply> doBroadcast(BroadcastReq req) {
        long received = System.nanoTime();
        if (!req.hasProto() || req.getProto().getBody().isEmpty() || req.getSpeed() < 0) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER,
                    "Broadcast needs a non-empty proto body and speed >= 0"));
        }
        PushFrame frame;
        if (req.hasPosition()) {
            StreamPosition p = req.getPosition();
            // Its tenant's broadcast stream: a position naming another tenant's is refused.
            List<ByteString> frames = PositionedBody.frames(req.getProto().getBody(), p,
                    io.jgoim.protocol.stream.StreamPosition.broadcastStream(req.getTenant()));
            if (frames == null || frames.size() != 1) {
                return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER,
                        "Broadcast position must name the broadcast stream, offset >= 1, and the body one frame"));
            }
            if (history != null) {
                history.feed(p.getStream(), p.getEpoch(), p.getOffset(), frames);
            }
            if (broadcastsForwarded.computeIfAbsent(p.getStream(), s -> new ForwardedPosition())
                    .repeated(p.getEpoch(), p.getOffset(), 1) == 1) {
                repeats.accept(PushLatency.Kind.BROADCAST, 1); // every session had it from this comet
                return CompletableFuture.completedFuture(BroadcastReply.getDefaultInstance());
            }
            frame = positioned(req.getProto().getBody(), p, frames, req.getProtoOp(), null);
        } else {
            frame = frame(req.getProto().getBody());
        }
        try {
            // A paced broadcast (speed > 0) answers at once with zero counts: its latency is its pacing, not observed.
            return broadcaster.broadcast(frame, req.getProtoOp(), req.getSpeed(), req.getTenant()).thenApply(d -> {
                if (d.delivered() > 0) {
                    latency.fannedOut(PushLatency.Kind.BROADCAST, received, System.nanoTime());
                    latency.written(PushLatency.Kind.BROADCAST, req.getCreatedAtMs(), System.currentTimeMillis());
                    tenantDeliveries.of(req.getTenant()).increment(d.delivered());
                }
                return BroadcastReply.newBuilder().setDelivered(d.delivered()).setDropped(d.dropped()).build();
            });
        } finally {
            frame.release();
        }
    }

    @Override
    public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq req) {
        return recent.once(req.getRequestId(), () -> doBroadcastRoom(req));
    }

    private CompletableFuture<BroadcastRoomReply> doBroadcastRoom(BroadcastRoomReq req) {
        long received = System.nanoTime();
        if (req.getRoomId().isEmpty()) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_ROOM, "room_id is empty"));
        }
        if (!req.hasProto() || req.getProto().getBody().isEmpty()) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER,
                    "BroadcastRoom needs a non-empty proto body"));
        }
        List<ByteString> frames = null;
        if (req.hasPosition()) {
            StreamPosition p = req.getPosition();
            frames = PositionedBody.frames(req.getProto().getBody(), p, req.getRoomId());
            if (frames == null) {
                return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER,
                        "BroadcastRoom position must name the room, offset >= 1, and the body whole frames"));
            }
        }
        Room room = index.room(req.getRoomId());
        if (room == null || room.online() == 0) {
            if (frames != null && history != null) {
                // Not delivered here: the room's recent messages would have a hole.
                history.invalidate(req.getRoomId());
            }
            return CompletableFuture.completedFuture(BroadcastRoomReply.getDefaultInstance());
        }
        PushFrame frame;
        if (frames != null) {
            StreamPosition p = req.getPosition();
            if (history != null) {
                history.feed(p.getStream(), p.getEpoch(), p.getOffset(), frames);
            }
            ByteString body = req.getProto().getBody();
            int repeated = room.alreadyForwarded(p.getEpoch(), p.getOffset(), frames.size());
            if (repeated > 0) {
                // job sent these before and the room's members have them: goim clients could not tell the repeat
                repeats.accept(PushLatency.Kind.ROOM, repeated);
                if (repeated == frames.size()) {
                    return CompletableFuture.completedFuture(BroadcastRoomReply.getDefaultInstance());
                }
                body = PositionedBody.after(body, frames, repeated);
                frames = frames.subList(repeated, frames.size());
                p = p.toBuilder().setOffset(p.getOffset() + repeated).build();
            }
            frame = positioned(body, p, frames, -1, null);
        } else {
            frame = frame(req.getProto().getBody());
        }
        try {
            if (req.getAck() == BroadcastRoomReq.Ack.ACCEPTED) {
                // The caller asked for the answer once every loop took the batch: the reply counts the members it
                // was handed to, what was written feeds only this comet's meters. Unknown values get WRITTEN.
                return broadcaster.broadcastRoomEarly(room, frame, d -> roomWritten(req, d, received))
                        .thenApply(CometPushService::roomReply);
            }
            return broadcaster.broadcastRoom(room, frame).thenApply(d -> {
                roomWritten(req, d, received);
                return roomReply(d);
            });
        } finally {
            frame.release();
        }
    }

    private static BroadcastRoomReply roomReply(RoomBroadcaster.Delivery d) {
        return BroadcastRoomReply.newBuilder().setDelivered(d.delivered()).setDropped(d.dropped()).build();
    }

    /**
     * Every loop wrote the batch ({@code d}, the real outcome whatever the call's ack): the comet's fan-out and
     * tenant meters, and one latency observation per message of it (none from an older job).
     */
    private void roomWritten(BroadcastRoomReq req, RoomBroadcaster.Delivery d, long received) {
        if (d.delivered() == 0) {
            return;
        }
        latency.fannedOut(PushLatency.Kind.ROOM, received, System.nanoTime());
        tenantDeliveries.of(Tenancy.tenantOf(req.getRoomId())).increment(d.delivered());
        long now = System.currentTimeMillis();
        for (int i = 0; i < req.getCreatedAtMsCount(); i++) {
            latency.written(PushLatency.Kind.ROOM, req.getCreatedAtMs(i), now);
        }
    }

    @Override
    public CompletableFuture<RoomsReply> rooms(RoomsReq req) {
        RoomsReply.Builder b = RoomsReply.newBuilder();
        index.roomCounts().keySet().forEach(id -> b.putRooms(id, true));
        return CompletableFuture.completedFuture(b.build());
    }

    /**
     * A frame at position {@code p}; {@code frames} the body's frames when already split (else checked here), with
     * its business op (-1: several messages) and audience (null: every session offered it).
     */
    private PushFrame positioned(ByteString body, StreamPosition p, List<ByteString> frames, int op,
                                 Set<String> audience) {
        List<ByteString> f = frames != null ? frames : PositionedBody.frames(body, p, null);
        if (f == null) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER,
                    "position must name a stream, offset >= 1, and the body whole frames");
        }
        return frame(body, new PushFrame.Position(p.getStream(), p.getEpoch(), p.getOffset(), f.size()), op,
                audience);
    }

    private PushFrame frame(ByteString body) {
        return frame(body, null, -1, null);
    }

    private PushFrame frame(ByteString body, PushFrame.Position position, int op, Set<String> audience) {
        ByteBuf buf = alloc.directBuffer(body.size());
        for (java.nio.ByteBuffer part : body.asReadOnlyByteBufferList()) {
            buf.writeBytes(part);
        }
        return new PushFrame(buf, alloc, position, op, audience);
    }
}
