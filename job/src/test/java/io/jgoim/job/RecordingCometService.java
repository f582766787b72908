package io.jgoim.job;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoFrameDecoder;
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
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real, in-memory comet for job's tests: it decodes the raw op-9 frames it receives with the protocol's frame
 * decoder, records each accepted call in arrival order, and can be told to refuse (UNAVAILABLE), to never answer
 * (timeout), to fail its next n calls, or to answer after a random delay. Thread-safe.
 */
public final class RecordingCometService implements CometService {
    public enum Mode { OK, REFUSE, TIMEOUT, BAD_REQUEST }

    /** One decoded inner frame. */
    public record Frame(int ver, int op, int seq, String body) {
    }

    /**
     * One accepted call: kind is push|room|broadcast; target is the room or the keys; position is the request's
     * stream position (null when it has none).
     */
    public record Call(String kind, String room, List<String> keys, int protoOp, int speed, List<Frame> frames,
                       Object bodyIdentity, StreamPosition position) {
    }

    private final String id;
    private final List<Call> calls = new ArrayList<>();
    /** Request ids already recorded: a retry of one is answered again but not recorded twice, as a real comet does. */
    private final Set<Long> seenRequests = new HashSet<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile Mode mode = Mode.OK;
    private volatile Set<String> rooms;
    private volatile int maxDelayMicros;

    public RecordingCometService(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public RecordingCometService mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** The next {@code n} calls fail with UNAVAILABLE. */
    public RecordingCometService failNext(int n) {
        failNext.set(n);
        return this;
    }

    /** Rooms reported by Rooms(); null makes Rooms() fail (hosting unknown). */
    public RecordingCometService rooms(Set<String> r) {
        this.rooms = r;
        return this;
    }

    /** Answers each call after a random delay up to {@code micros} on another thread. */
    public RecordingCometService randomDelay(int micros) {
        this.maxDelayMicros = micros;
        return this;
    }

    public int attempts() {
        return attempts.get();
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every delivered inner frame body, in arrival order. */
    public synchronized List<String> bodies() {
        List<String> out = new ArrayList<>();
        for (Call c : calls) {
            for (Frame f : c.frames) {
                out.add(f.body);
            }
        }
        return out;
    }

    /** Delivered frame bodies of one room, in arrival order. */
    public synchronized List<String> roomBodies(String room) {
        List<String> out = new ArrayList<>();
        for (Call c : calls) {
            if (room.equals(c.room)) {
                c.frames.forEach(f -> out.add(f.body));
            }
        }
        return out;
    }

    /** Delivered frame bodies pushed to one key, in arrival order. */
    public synchronized List<String> keyBodies(String key) {
        List<String> out = new ArrayList<>();
        for (Call c : calls) {
            if (c.keys.contains(key)) {
                c.frames.forEach(f -> out.add(f.body));
            }
        }
        return out;
    }

    /**
     * The stream offset each delivered frame of {@code room} got (a call's position is its first frame's offset,
     * the others follow), by frame body, in arrival order; a frame sent without position maps to 0.
     */
    public synchronized LinkedHashMap<String, Long> roomOffsets(String room) {
        LinkedHashMap<String, Long> out = new LinkedHashMap<>();
        for (Call c : calls) {
            if (room.equals(c.room)) {
                for (int i = 0; i < c.frames.size(); i++) {
                    out.put(c.frames.get(i).body, c.position == null ? 0L : c.position.getOffset() + i);
                }
            }
        }
        return out;
    }

    public synchronized int frameCount() {
        int n = 0;
        for (Call c : calls) {
            n += c.frames.size();
        }
        return n;
    }

    @Override
    public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq r) {
        return handle(r.getRequestId(), () -> new Call("push", null, List.copyOf(r.getKeysList()),
                        r.getProtoOp(), 0,
                        decode(r.getProto()), r.getProto().getBody(), r.hasPosition() ? r.getPosition() : null),
                () -> PushMsgReply.newBuilder().setDelivered(r.getKeysCount()).build());
    }

    @Override
    public CompletableFuture<BroadcastReply> broadcast(BroadcastReq r) {
        return handle(r.getRequestId(), () -> new Call("broadcast", null, List.of(), r.getProtoOp(), r.getSpeed(),
                decode(r.getProto()), r.getProto().getBody(), r.hasPosition() ? r.getPosition() : null),
                () -> BroadcastReply.newBuilder().build());
    }

    @Override
    public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq r) {
        return handle(r.getRequestId(), () -> new Call("room", r.getRoomId(), List.of(), 0, 0, decode(r.getProto()),
                r.getProto().getBody(), r.hasPosition() ? r.getPosition() : null),
                () -> BroadcastRoomReply.newBuilder().build());
    }

    @Override
    public CompletableFuture<RoomsReply> rooms(RoomsReq request) {
        Set<String> r = rooms;
        if (r == null) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "rooms unknown"));
        }
        RoomsReply.Builder b = RoomsReply.newBuilder();
        r.forEach(room -> b.putRooms(room, true));
        return CompletableFuture.completedFuture(b.build());
    }

    private <T> CompletableFuture<T> handle(long requestId, Supplier<Call> call, Supplier<T> reply) {
        attempts.incrementAndGet();
        Mode m = mode;
        if (m == Mode.TIMEOUT) {
            return new CompletableFuture<>();
        }
        if (m == Mode.REFUSE || failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, id + " refuses"));
        }
        if (m == Mode.BAD_REQUEST) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER, id + " says bad"));
        }
        Call c = call.get();
        synchronized (this) {
            // A retry whose first attempt was recorded (job's deadline passed first, e.g. on a loaded machine).
            if (requestId == 0 || seenRequests.add(requestId)) {
                calls.add(c);
            }
        }
        int delay = maxDelayMicros;
        if (delay == 0) {
            return CompletableFuture.completedFuture(reply.get());
        }
        return CompletableFuture.supplyAsync(reply, CompletableFuture.delayedExecutor(
                ThreadLocalRandom.current().nextInt(delay), TimeUnit.MICROSECONDS));
    }

    /** Decodes the op-9 raw frame into its inner frames with the protocol's decoder; checks the outer header. */
    static List<Frame> decode(io.jgoim.protocol.rpc.comet.Proto raw) {
        if (raw.getOp() != Op.RAW || raw.getVer() != PacketLayout.VERSION) {
            throw new AssertionError("expected a ver-1 op-9 frame, got ver " + raw.getVer() + " op " + raw.getOp());
        }
        EmbeddedChannel ch = new EmbeddedChannel(ProtoFrameDecoder.forServerFrames());
        ch.writeInbound(Unpooled.wrappedBuffer(raw.getBody().toByteArray()));
        List<Frame> out = new ArrayList<>();
        Proto p;
        while ((p = ch.readInbound()) != null) {
            out.add(new Frame(p.ver(), p.op(), p.seq(), p.body().toString(StandardCharsets.UTF_8)));
            p.release();
        }
        if (ch.finish()) {
            throw new AssertionError("leftover bytes in a raw frame");
        }
        return out;
    }
}
