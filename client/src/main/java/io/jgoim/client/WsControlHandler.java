package io.jgoim.client;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Keeps WebSocket control frames away from the goim codec: a close frame's code and reason become the channel's
 * {@link CloseStatus} (unless a DISCONNECT message with the same code and node hints came first), the close is
 * echoed and the channel closed; pong and text frames are dropped. Binary messages pass on. Stateless and shared.
 */
@ChannelHandler.Sharable
final class WsControlHandler extends ChannelInboundHandlerAdapter {
    static final WsControlHandler INSTANCE = new WsControlHandler();

    private WsControlHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || !(msg instanceof WebSocketFrame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof CloseWebSocketFrame) {
            CloseWebSocketFrame close = (CloseWebSocketFrame) msg;
            int code = close.statusCode();
            String reason = close.reasonText();
            CloseStatus goodbye = ctx.channel().attr(ClientHandler.CLOSE_STATUS).get();
            // A draining comet sent its DISCONNECT (with node hints) first: keep it, the close frame says no more.
            if (goodbye == null || goodbye.code() != code || goodbye.nodes().isEmpty()) {
                ctx.channel().attr(ClientHandler.CLOSE_STATUS).set(code < 0
                        ? CloseStatus.abnormal("close frame without a code") : new CloseStatus(code, reason));
            }
            close.release();
            ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? 1000 : code, null))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ReferenceCountUtil.release(msg);
    }
}
