package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.jgoim.comet.frame.PublicationFrames;
import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.List;
import java.util.Map;

/**
 * What a position-aware session's {@link StreamDelivery} puts on the wire, without flushing: live pushes as op-20
 * frames (the push's shared variant, or a trimmed copy), history entries as op-20 frames, and op-21 stream states.
 * History entries go through the session's {@link StreamFilter}: the ones it skips are left out, and the entries
 * around them are written as separate op-20 frames (each a run of consecutive offsets), so the client sees the next
 * offset it gets jump past them, which it accepts (the comet is the gap authority). One instance per session; event
 * loop only.
 */
final class StreamWriter {
    private final Channel channel;
    private final SessionTransport transport;
    private final CometMetrics metrics;
    private final StreamFilter filter;

    StreamWriter(Channel channel, SessionTransport transport, CometMetrics metrics, StreamFilter filter) {
        this.channel = channel;
        this.transport = transport;
        this.metrics = metrics;
        this.filter = filter;
    }

    /** True when the session skips live push {@code f} (it only advances its cursor past it). */
    boolean skips(PushFrame f) {
        return filter.skips(f.position().stream(), f.op(), f.audience());
    }

    /** A push without a position, as today's plain frames. */
    void plain(PushFrame f) {
        channel.write(transport.push(f), channel.voidPromise());
    }

    /** The whole positioned push, its shared op-20 variant. */
    void whole(PushFrame f) {
        channel.write(transport.reply(f.publications().retainedDuplicate()), channel.voidPromise());
    }

    /** The positioned push from offset {@code from} on (it overlaps what the session was sent). */
    void from(PushFrame f, long from) {
        PushFrame.Position p = f.position();
        ByteBuf tcp = f.tcp();
        int start = f.frameStart((int) (from - p.first()));
        channel.write(transport.reply(PublicationFrames.encode(channel.alloc(), p.stream(), p.epoch(), from, tcp,
                start, tcp.writerIndex() - start)), channel.voidPromise());
    }

    /**
     * History {@code entries} of {@code stream} at consecutive offsets from {@code first}, except those the session
     * skips ({@code audiences}: offset → keys, for entries not for every reader).
     */
    void entries(String stream, long epoch, long first, List<ByteString> entries, Map<Long, List<String>> audiences) {
        int run = 0;
        for (int i = 0; i < entries.size(); i++) {
            long offset = first + i;
            List<String> audience = audiences.isEmpty() ? null : audiences.get(offset);
            if (filter.skips(stream, StreamFilter.op(entries.get(i)), audience)) {
                run(stream, epoch, first + run, entries.subList(run, i));
                run = i + 1;
            }
        }
        run(stream, epoch, first + run, entries.subList(run, entries.size()));
    }

    private void run(String stream, long epoch, long first, List<ByteString> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (ByteBuf buf : PublicationFrames.encode(channel.alloc(), stream, epoch, first, entries)) {
            metrics.frameOut(Op.PUBLICATIONS);
            channel.write(transport.reply(buf), channel.voidPromise());
        }
    }

    /** An op-21 frame telling the client one stream's state. */
    void state(StreamState s) {
        metrics.frameOut(Op.STREAM_STATE);
        channel.write(ReplyFrames.streamState(channel.alloc(), List.of(s)), channel.voidPromise());
    }
}
