package io.jgoim.comet.index;

import io.jgoim.protocol.ProtoFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;

import java.io.IOException;

/**
 * The unbatched push's short way to the kernel: a plain-TCP or plain-WebSocket epoll session with nothing queued
 * gets its shared push bytes with one send system call straight from the encoded-once buffer, instead of a retained duplicate, an
 * outbound-buffer entry, a pipeline write and a pipeline flush per session (at 2 msgs/s each message is its own
 * write to every session, and that per-session Netty work was what a delivery cost above the kernel's send).
 *
 * <p>Only where it changes nothing a client or the slow-consumer policy can tell: the first handler is the goim
 * frame codec of a TCP session or Netty's WebSocket frame decoder of an upgraded WebSocket session (no TLS, no PROXY
 * decoder, no HTTP codec, nothing that buffers or transforms bytes: the TCP codec passes a {@code ByteBuf} through
 * untouched, the decoder is inbound only and the WebSocket session codec behind it passes on a {@code ByteBuf}, a
 * complete frame, as it is; the caller hands over the push's complete WebSocket message for such a session), and the
 * channel's outbound buffer holds nothing, so the bytes cannot pass an earlier write. A WebSocket close frame the
 * session codec wrote leaves either bytes queued (no send here) or, once flushed, a closed channel (the close follows
 * the close frame's write at once, on the loop): no push can follow it onto the wire this way. What the socket does not take at once (its send buffer is full) goes the ordinary way behind the
 * part sent: a slice queued in the outbound buffer, bounded by its water marks as before. A send that fails falls back
 * to the ordinary write, which meets the same error and closes the channel as it always did. Event loop only.
 */
final class SocketWrite {
    private SocketWrite() {
    }

    /**
     * Sends {@code buf}'s readable bytes to {@code ch} now when {@code ch} qualifies (see the class), queueing what
     * the socket did not take; false when it does not qualify, {@code address} is 0 or the send failed (the caller
     * writes the usual way). {@code address} is {@code buf}'s {@link ByteBuf#memoryAddress()}, taken once for every
     * session of a pass by the caller, who holds a reference to {@code buf} throughout (so it is not re-checked
     * here). Leaves {@code buf} and its reference count as they were.
     */
    static boolean write(Channel ch, ByteBuf buf, long address) {
        if (address == 0 || !qualifies(ch)) {
            return false;
        }
        // On the channel's own loop only (nothing else writes to it meanwhile), and only while it is open: a closed
        // channel's descriptor number may already name another connection. (A closed channel also has no outbound
        // buffer; both are checked so neither guarantee rests on the other.)
        if (!ch.isActive() || !ch.eventLoop().inEventLoop()) {
            return false;
        }
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (out == null || out.totalPendingWriteBytes() != 0) {
            return false;
        }
        int from = buf.readerIndex();
        int length = buf.readableBytes();
        int sent;
        try {
            sent = ((Socket) ((EpollSocketChannel) ch).fd()).sendAddress(address, from, from + length);
        } catch (IOException e) {
            return false;
        }
        if (sent < length) {
            ch.write(buf.retainedSlice(from + sent, length - sent), ch.voidPromise());
        }
        return true;
    }

    /**
     * Whether {@code ch} has something to flush. A qualifying channel with no pending bytes has none: every write to
     * it went straight to the kernel or into its outbound buffer (no handler holds bytes back), so its flush would
     * only walk the pipeline; any other channel is flushed as before.
     */
    static boolean needsFlush(Channel ch) {
        if (!qualifies(ch)) {
            return true;
        }
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() != 0;
    }

    private static boolean qualifies(Channel ch) {
        if (!(ch instanceof EpollSocketChannel)) {
            return false;
        }
        ChannelHandler first = ch.pipeline().first();
        return first instanceof ProtoFrameCodec || first instanceof WebSocket13FrameDecoder;
    }
}
