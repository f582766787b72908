package io.jgoim.comet.index;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.comet.stream.StreamDelivery;
import io.netty.channel.Channel;

/**
 * How one push's encoded-once bytes reach one session's channel: the drop rules (closed, over the outbound bound),
 * the position-aware detour through {@link StreamDelivery}, the unbatched short way to the socket
 * ({@link SocketWrite}) and otherwise the ordinary pipeline write. Static and stateless, apart from
 * {@link Session} so the session stays its identity and place in the index; a session pays nothing for it.
 * Event loop only.
 */
final class PushWrite {
    private PushWrite() {
    }

    /**
     * Writes {@code frame} to {@code channel} without flushing; false, counting the drop, when the channel is closed
     * or over its bound. {@code alone}: nothing else is written to this session before its flush, so the bytes may
     * go straight to the socket.
     */
    static boolean write(Channel channel, boolean webSocket, StreamDelivery streams, CometMetrics metrics,
                         PushFrame frame, boolean alone) {
        if (!channel.isActive()) {
            metrics.dropped(DropReason.CLOSED);
            return false;
        }
        if (!channel.isWritable()) {
            metrics.dropped(DropReason.SLOW);
            return false;
        }
        if (streams != null) {
            return streams.write(frame);
        }
        if (!alone || !SocketWrite.write(channel, webSocket ? frame.webSocketMessage() : frame.tcp(),
                frame.address(webSocket))) {
            channel.write(SessionTransport.of(webSocket).push(frame), channel.voidPromise());
        }
        return true;
    }

    /** Flushes what {@link #write} left queued, if anything (a write sent straight to the socket left nothing). */
    static void flush(Channel channel) {
        if (SocketWrite.needsFlush(channel)) {
            channel.flush();
        }
    }
}
