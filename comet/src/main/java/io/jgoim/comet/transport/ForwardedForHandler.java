package io.jgoim.comet.transport;

import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.limit.Refusal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * On a WebSocket connection from a peer in {@code proxy.forwardedForTrusted}: takes the client's address from the
 * upgrade request's {@code X-Forwarded-For} (the rightmost entry not itself a trusted proxy: entries to its left are
 * the client's to write), applies the per-address limits to it, and leaves the pipeline. No header: the peer itself
 * is the client. An entry that is not an IP literal: 400 (counted as {@code proxy_malformed}). A refusal is an HTTP
 * 429 with the close code, or with {@code webSocket.refusal: close-frame} the upgrade closed with it
 * ({@link RefusedUpgrade}). One instance per connection; event loop.
 */
final class ForwardedForHandler extends ChannelInboundHandlerAdapter {
    static final String HEADER = "X-Forwarded-For";

    private final ConnectGate gate;
    private final ClientIp client;

    ForwardedForHandler(ConnectGate gate, ClientIp client) {
        this.gate = gate;
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String xff = ((HttpRequest) msg).headers().get(HEADER);
        if (xff != null) {
            InetAddress a = clientOf(xff);
            if (a == null) {
                ReferenceCountUtil.release(msg);
                gate.limits().refused(Refusal.PROXY_MALFORMED);
                gate.logProxy("refused a WebSocket upgrade with a malformed X-Forwarded-For: {}{}",
                        ctx.channel().remoteAddress());
                RefusedRequest.answer(ctx, gate.replies().response(Refusal.PROXY_MALFORMED));
                return;
            }
            client.address(new InetSocketAddress(a, 0));
        }
        Refusal r = client.address() == null ? null : gate.limits().admit(client, client.address().getAddress());
        if (r != null) {
            if (msg instanceof FullHttpRequest) {
                gate.refuseForwarded(ctx, (FullHttpRequest) msg, r);
            } else {
                ReferenceCountUtil.release(msg);
                RefusedRequest.answer(ctx, gate.replies().response(r));
            }
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    /** The rightmost address of {@code header} that is not a trusted proxy (the leftmost when all are); null: bad. */
    private InetAddress clientOf(String header) {
        InetAddress found = null;
        int end = header.length();
        while (end > 0) {
            int comma = header.lastIndexOf(',', end - 1);
            String part = header.substring(comma + 1, end).trim();
            end = comma < 0 ? 0 : comma;
            byte[] b = NetUtil.createByteArrayFromIpAddressString(part);
            if (b == null) {
                return null;
            }
            try {
                found = InetAddress.getByAddress(b);
            } catch (UnknownHostException e) {
                return null;
            }
            if (!gate.forwardedForTrusted().contains(found)) {
                return found;
            }
        }
        return found;
    }
}
