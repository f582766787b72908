package io.jgoim.job.dispatch;

import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.Comet;
import io.jgoim.job.comet.CometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the comet requests a lane's {@link PushRouter} decided on, one request id each, and queues them on the
 * {@link CometLinks} of their target comets: a push to the comet holding its keys, a broadcast to every comet, a room
 * batch to every comet that may host the room. A task that finds no target is finished at once. One per lane; lane
 * thread only.
 */
final class RequestSender {
    private final CometDirectory comets;
    private final CometLinks links;
    private final JobMetrics metrics;
    private final boolean filterRooms;
    /** What each room call's answer waits for ({@code comet.roomAck}). */
    private final BroadcastRoomReq.Ack roomAck;

    RequestSender(CometDirectory comets, CometLinks links, JobMetrics metrics, boolean filterRooms,
                  BroadcastRoomReq.Ack roomAck) {
        this.comets = comets;
        this.links = links;
        this.metrics = metrics;
        this.filterRooms = filterRooms;
        this.roomAck = roomAck;
    }

    /**
     * The next request id: one id per built request, the same on each retry and for every comet it goes to (each
     * comet answers a repeated id from its first attempt instead of delivering twice). Starts at a random 64-bit value
     * per lane, so lanes and job instances do not reuse each other's ids within any comet's memory of them.
     */
    private long nextRequestId = ThreadLocalRandom.current().nextLong();
    /** Never 0 (0 means "no id" to a comet). */
    long requestId() {
        long id = nextRequestId++;
        return id != 0 ? id : nextRequestId++;
    }

    /** One push request to the comet {@code server} holding {@code keys} (with the record's position, if any). */
    void push(PushTask t, String server, List<String> keys, Proto frame) {
        Comet c = comets.comet(server);
        if (c == null) {
            metrics.noTarget("push").increment();
            t.finishWithoutSend(false);
            return;
        }
        PushMsg m = t.message();
        // created_at_ms and member: the comet's end-to-end latency observation (kind "mid" or "key").
        PushMsgReq.Builder req = PushMsgReq.newBuilder().addAllKeys(keys).setProto(frame)
                .setProtoOp(m.getOperation()).setRequestId(requestId())
                .setCreatedAtMs(m.getCreatedAtMs()).setMember(m.getMember());
        if (m.getOffset() != 0) {
            // Sequenced by logic at publish (PushValidator checked stream and epoch); older records have none.
            req.setPosition(StreamPosition.newBuilder().setStream(m.getStream()).setEpoch(m.getEpoch())
                    .setOffset(m.getOffset())).addAllAdvanceKeys(m.getAdvanceKeysList());
        }
        t.awaitSends(1);
        links.send(c, Send.Kind.PUSH, req.build(), List.of(t));
    }

    /** One broadcast request (position null: none) to every comet. */
    void broadcast(PushTask t, Proto frame, StreamPosition position) {
        List<Comet> all = comets.comets();
        if (all.isEmpty()) {
            metrics.noTarget("broadcast").increment();
            t.finishWithoutSend(true);
            return;
        }
        PushMsg m = t.message();
        int speed = m.getSpeed();
        // goim splits the speed across comets: each writes to its share of the sessions per second.
        int perComet = speed <= 0 ? 0 : Math.max(1, speed / all.size());
        BroadcastReq.Builder b = BroadcastReq.newBuilder().setProtoOp(m.getOperation())
                .setProto(frame).setSpeed(perComet).setRequestId(requestId()).setCreatedAtMs(m.getCreatedAtMs())
                .setTenant(m.getTenant()); // only that tenant's sessions take it ("" = the default tenant's)
        if (position != null) {
            b.setPosition(position);
        }
        BroadcastReq req = b.build();
        List<PushTask> one = List.of(t);
        t.awaitSends(all.size());
        for (int i = 0; i < all.size(); i++) {
            links.send(all.get(i), Send.Kind.BROADCAST, req, one);
        }
    }

    /** One room request (position null: none) to every comet that may host the room. */
    void room(String room, List<PushTask> tasks, Proto frames, StreamPosition position) {
        List<Comet> all = comets.comets();
        List<Comet> targets = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Comet c = all.get(i);
            if (!filterRooms || c.mayHost(room)) {
                targets.add(c);
            }
        }
        if (targets.isEmpty()) {
            metrics.noTarget("room").increment(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).finishWithoutSend(true);
            }
            return;
        }
        BroadcastRoomReq.Builder req = BroadcastRoomReq.newBuilder().setRoomId(room).setProto(frames)
                .setRequestId(requestId()).setAck(roomAck);
        if (position != null) {
            req.setPosition(position);
        }
        for (int i = 0; i < tasks.size(); i++) { // each message's publish time, in batch order (latency)
            req.addCreatedAtMs(tasks.get(i).message().getCreatedAtMs());
        }
        BroadcastRoomReq built = req.build();
        for (int i = 0; i < tasks.size(); i++) {
            tasks.get(i).awaitSends(targets.size());
        }
        for (int i = 0; i < targets.size(); i++) {
            links.send(targets.get(i), Send.Kind.ROOM, built, tasks);
        }
    }
}
