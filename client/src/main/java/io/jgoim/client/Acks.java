package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * A position-aware client's acks of its member stream ({@code mid:<mid>}; room streams are never acked, nothing
 * waits for them): cumulative and batched, so must-deliver pushes leave the member's history once every device
 * acked them without one frame per message. While connected, a timer every {@code ackInterval} sends one op 22 when
 * the member stream's position moved since the last ack; right after a resume that recovered the member stream, one
 * op 22 goes as soon as the recovered messages were delivered (the auth reply said where they end). Owned by the
 * client's {@link StreamFrames}; survives reconnects (the last acked position with it); every method runs on the
 * client's event loop.
 */
final class Acks {
    private final Positions positions;
    private final long intervalNanos;
    private final int wireVersion;
    private final IntSupplier seq;

    // Confined to the event loop.
    private ScheduledFuture<?> task;
    private Channel channel;
    private StreamState lastAcked;
    /** After a resume: the member stream's position once the recovered messages are delivered; null otherwise. */
    private StreamState resumedTo;
    private volatile long sent;

    Acks(Positions positions, ClientConfig config, IntSupplier seq) {
        this.positions = positions;
        this.intervalNanos = config.ackInterval().toNanos();
        this.wireVersion = config.wireVersion();
        this.seq = seq;
    }

    /** The auth reply said where a stream stands: a recovered member stream is acked once its messages arrived. */
    void onAuthState(StreamState state) {
        if (StreamPosition.isMemberStream(state.stream()) && state.asked() && state.code() == ErrorCode.OK.code()) {
            resumedTo = state;
        }
    }

    /** The session on {@code ch} is authenticated: starts the timer and sends the resume's ack if it is due. */
    void start(Channel ch, EventLoop loop) {
        stop();
        channel = ch;
        task = loop.scheduleAtFixedRate(this::tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        afterDelivery();
    }

    /** The connection is gone (or the client closed). */
    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        channel = null;
    }

    /** Messages were delivered: after a resume, acks at once when the recovered ones are all in. */
    void afterDelivery() {
        StreamState target = resumedTo;
        if (target == null || channel == null) {
            return;
        }
        StreamState now = memberPosition();
        if (now == null || now.epoch() != target.epoch() || now.offset() >= target.offset()) {
            resumedTo = null;
            if (now != null) {
                send(now);
            }
        }
    }

    private void tick() {
        StreamState now = memberPosition();
        if (now != null && !now.equals(lastAcked)) {
            send(now);
        }
    }

    private StreamState memberPosition() {
        for (StreamState s : positions.states()) {
            if (StreamPosition.isMemberStream(s.stream()) && s.offset() > 0) {
                return s;
            }
        }
        return null;
    }

    private void send(StreamState position) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return;
        }
        List<StreamState> list = List.of(position);
        ByteBuf body = ch.alloc().buffer(PositionList.size(list));
        PositionList.write(body, list);
        ch.writeAndFlush(Proto.newInstance(wireVersion, Op.ACK, seq.getAsInt(), body));
        lastAcked = position;
        sent++;
    }

    /** Op-22 frames sent over the client's life. */
    long sent() {
        return sent;
    }
}
