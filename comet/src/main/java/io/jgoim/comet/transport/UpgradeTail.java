package io.jgoim.comet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * What a WebSocket client sent behind its upgrade request, kept for the WebSocket decoder. RFC 6455 4.1 has a client
 * wait for the 101, but a client that sends its first frames (its auth) in the same write as the request lost them:
 * the HTTP codec read them as the start of a next request, and Netty's handshaker, which puts its frame decoder
 * <em>before</em> the codec and then removes the codec, let the codec hand its leftover bytes to the handler
 * <em>after</em> it — past the new decoder. The session then waited for an auth that had come and was closed at the
 * handshake deadline (4005), or with 4506 for a heartbeat "before" auth.
 *
 * <p>Sits right behind the HTTP codec. Once the codec has passed on a whole request (its {@link LastHttpContent}), the
 * codec's decoder is removed: nothing more is read as HTTP (the WebSocket port answers one request per connection;
 * a refusal closes it), and the bytes it held or reads later reach this handler raw and are kept, up to
 * {@value #MAX_HELD_BYTES} bytes (more closes the connection: a client that sends that much before its 101 is not
 * waiting for it). When the upgrade completes ({@link #release}, from the session's codec on HandshakeComplete) the
 * kept bytes go into Netty's frame decoder and this handler leaves the pipeline; a connection that ends before that
 * frees them. One per WebSocket connection, until its upgrade; event loop only.
 */
final class UpgradeTail extends ChannelInboundHandlerAdapter {
    /** Most bytes kept between the request and its 101. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    /** Most frames kept behind the kept bytes (see {@link #channelRead}). */
    static final int MAX_HELD_FRAMES = 64;

    private ByteBuf held;
    /** Frames the new decoder passed on while bytes read before them were kept, in order; null for none. */
    private ArrayDeque<Object> later;
    private boolean requestRead;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            hold(ctx, bytes);
            return;
        }
        if (held != null && !(msg instanceof HttpObject)) {
            // The 101's write did not complete at once, and the frame decoder Netty put before the codec read
            // newer bytes: they wait behind the kept ones, in order.
            if (later == null) {
                later = new ArrayDeque<>();
            }
            later.add(msg);
            if (later.size() > MAX_HELD_FRAMES) {
                free();
                ctx.close();
            }
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        ctx.fireChannelRead(msg);
        if (last && !requestRead) {
            requestRead = true;
            HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
            if (codec != null && !ctx.isRemoved()) {
                codec.removeInboundHandler(); // its leftover bytes come here, raw
            }
        }
    }

    private void hold(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (!bytes.isReadable()) {
            bytes.release();
            return;
        }
        if (held == null) {
            held = bytes;
        } else {
            ByteBuf more = ctx.alloc().buffer(held.readableBytes() + bytes.readableBytes());
            more.writeBytes(held).writeBytes(bytes);
            held.release();
            bytes.release();
            held = more;
        }
        if (held.readableBytes() > MAX_HELD_BYTES) {
            free();
            ctx.close();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        free();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        free();
        ctx.fireChannelInactive();
    }

    private void free() {
        if (held != null) {
            ReferenceCountUtil.release(held);
            held = null;
        }
        if (later != null) {
            later.forEach(ReferenceCountUtil::release);
            later = null;
        }
    }

    /**
     * The upgrade of {@code pipeline}'s connection completed: the kept bytes, if any, go into the WebSocket frame
     * decoder, and the handler leaves. Nothing when it is not in the pipeline. Event loop only.
     */
    static void release(ChannelPipeline pipeline) {
        UpgradeTail tail = pipeline.get(UpgradeTail.class);
        if (tail == null) {
            return;
        }
        ByteBuf bytes = tail.held;
        ArrayDeque<Object> later = tail.later;
        tail.held = null;
        tail.later = null;
        pipeline.remove(tail);
        if (bytes == null) {
            return;
        }
        ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
        if (decoder == null) {
            // no frame decoder: not an upgraded connection after all
            bytes.release();
            if (later != null) {
                later.forEach(ReferenceCountUtil::release);
            }
            return;
        }
        ChannelInboundHandler h = (ChannelInboundHandler) decoder.handler();
        try {
            h.channelRead(decoder, bytes);
            if (later != null) {
                for (Object frame; (frame = later.poll()) != null; ) {
                    decoder.fireChannelRead(frame);
                }
            }
            h.channelReadComplete(decoder);
        } catch (Exception e) {
            decoder.fireExceptionCaught(e);
        }
    }
}
