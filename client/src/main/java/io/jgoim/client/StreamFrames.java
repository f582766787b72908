package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * The position-aware side of one client (auth ver 3): writes the auth body with the client's last positions after
 * the token, hands the stream states of the auth reply and of op 21 to {@link Positions} and the listener, and walks
 * an op-20 frame's messages in order, delivering each one {@link Positions} finds new with its stream and position
 * and dropping duplicates; its {@link Acks} acknowledge the member stream. Exists only for clients built with
 * {@code positions(true)}; one per client, surviving its reconnects. Called on the client's event loop.
 */
final class StreamFrames {
    private final JgoimClient client;
    private final Positions positions = new Positions();
    private final Acks acks;

    /** {@code seq} gives the seq of each op-22 frame (the client's request counter). */
    StreamFrames(JgoimClient client, IntSupplier seq) {
        this.client = client;
        this.acks = new Acks(positions, client.config(), seq);
        for (StreamPosition p : client.config().resumeFrom()) {
            positions.accept(p.stream(), p.epoch(), p.offset());
        }
    }

    Positions positions() {
        return positions;
    }

    /** The member stream's acks (started and stopped with each authenticated connection). */
    Acks acks() {
        return acks;
    }

    /** The states of a ver-3 auth reply: as {@link #onStates}, and a recovered member stream is acked once in. */
    void onAuthStates(List<StreamState> states) {
        for (StreamState s : states) {
            acks.onAuthState(s);
        }
        onStates(states);
    }

    /** The auth body: the token alone while no position is known, else token, NUL, the positions. */
    ByteBuf authBody(byte[] token) {
        if (positions.isEmpty()) {
            return Unpooled.wrappedBuffer(token);
        }
        List<StreamState> states = positions.states();
        ByteBuf out = Unpooled.buffer(token.length + 1 + PositionList.size(states));
        AuthBody.write(out, token, states);
        return out;
    }

    /** The states a ver-3 auth reply carried (read before the client became connected): applied, then reported. */
    void onStates(List<StreamState> states) {
        for (StreamState s : states) {
            positions.apply(s);
            ListenerCalls.streamState(client, s);
        }
    }

    /** An op-21 body; a malformed one throws {@link io.jgoim.protocol.ProtocolException}. */
    void onStreamState(ByteBuf body) {
        onStates(PositionList.read(body));
    }

    /**
     * An op-20 body: each inner frame i is the message at offset first + i. A malformed prefix throws
     * {@link io.jgoim.protocol.ProtocolException}; a malformed inner frame closes {@code ch} with PROTOCOL_ERROR after
     * the messages before it were delivered.
     */
    void onPublications(Channel ch, ByteBuf body) {
        Publications.Batch batch = Publications.read(body);
        ByteBuf frames = batch.frames();
        String stream = batch.stream();
        long epoch = batch.epoch();
        long offset = batch.firstOffset();
        int i = frames.readerIndex();
        int end = frames.writerIndex();
        while (i < end) {
            int packLen = InnerFrames.length(frames, i, end);
            if (packLen < 0) {
                ClientHandler.closeWith(ch, new CloseStatus(CloseCode.PROTOCOL_ERROR.code(),
                        "malformed frame inside op 20 at offset " + offset + " of " + stream));
                return;
            }
            if (positions.accept(stream, epoch, offset)) {
                int op = frames.getInt(i + PacketLayout.OP_OFFSET);
                // A retained slice of a pooled buffer is itself recycled: no allocation per message (the channel's
                // allocator is pooled for this, see ClientChannelInitializer.ALLOCATOR).
                ByteBuf msg = frames.retainedSlice(i + PacketLayout.HEADER_LENGTH,
                        packLen - PacketLayout.HEADER_LENGTH);
                try {
                    ListenerCalls.published(client, stream, epoch, offset, op, msg);
                } finally {
                    msg.release();
                }
            }
            i += packLen;
            offset++;
        }
        acks.afterDelivery();
    }
}
