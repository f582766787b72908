package io.jgoim.job.dispatch;

import com.google.protobuf.Message;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReq;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One call to one comet carrying one or more tasks (a room batch carries many). The request is built once and shared
 * by the sends of every comet. Its completion hops back to the lane thread by enqueuing the send itself. Owned by its
 * {@link CometLink}'s lane.
 */
final class Send implements Runnable, BiConsumer<Object, Throwable> {
    enum Kind {
        PUSH("push"), ROOM("room"), BROADCAST("broadcast");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    final CometLink link;
    final Kind kind;
    final Message request;
    final List<PushTask> tasks;
    int attempt;
    long dueNanos;
    Throwable error;
    Object reply;

    Send(CometLink link, Kind kind, Message request, List<PushTask> tasks) {
        this.link = link;
        this.kind = kind;
        this.request = request;
        this.tasks = tasks;
    }

    CompletableFuture<?> call(CometService comet) {
        switch (kind) {
            case PUSH:
                return comet.pushMsg((PushMsgReq) request);
            case ROOM:
                return comet.broadcastRoom((BroadcastRoomReq) request);
            default:
                return comet.broadcast((BroadcastReq) request);
        }
    }

    /** Any thread: the comet answered. */
    @Override
    public void accept(Object reply, Throwable failure) {
        this.error = failure;
        this.reply = reply;
        link.lane.execute(this);
    }

    /** Lane thread. */
    @Override
    public void run() {
        link.onResult(this);
    }
}
