package io.jgoim.comet.transport;

import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.limit.Refusal;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Reads the client's real address from the PROXY protocol header (v1 or v2) a trusted load balancer sends first,
 * decoded by Netty's {@code HAProxyMessageDecoder} in front of it, then applies the per-address limits to that
 * address and leaves the pipeline. A header that does not parse (or a client that sends none) closes the connection
 * (counted as {@code proxy_malformed}, logged one line a second at most). A LOCAL header (the balancer's own health
 * check) or one for a protocol other than TCP keeps the peer's address. One instance per connection; event loop.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private final ConnectGate gate;
    private final ClientIp client;
    private boolean refused;

    ProxyProtocolHandler(ConnectGate gate, ClientIp client) {
        this.gate = gate;
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage) {
            HAProxyMessage m = (HAProxyMessage) msg;
            try {
                onHeader(ctx, m);
            } finally {
                m.release();
            }
            return;
        }
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void onHeader(ChannelHandlerContext ctx, HAProxyMessage m) {
        if (m.command() == HAProxyCommand.PROXY && m.sourceAddress() != null
                && (m.proxiedProtocol() == HAProxyProxiedProtocol.TCP4
                || m.proxiedProtocol() == HAProxyProxiedProtocol.TCP6)) {
            InetAddress source = literal(m.sourceAddress());
            if (source == null) {
                malformed(ctx, m.sourceAddress());
                return;
            }
            client.address(new InetSocketAddress(source, m.sourcePort()));
        }
        if (gate.webSocket() && gate.trustsForwardedFor(client.address())) {
            // The header named another proxy: the WebSocket upgrade's X-Forwarded-For names the client.
            ctx.pipeline().addAfter(PipelineNames.HTTP_AGGREGATOR, PipelineNames.WS_FORWARDED_FOR,
                    new ForwardedForHandler(gate, client));
            ctx.pipeline().remove(this);
            return;
        }
        Refusal r = gate.limits().admit(client, client.address().getAddress());
        if (r != null) {
            refused = gate.refuseAfterProxyHeader(ctx, r);
            if (!refused) {
                ctx.pipeline().remove(this);
            }
            return;
        }
        ctx.pipeline().remove(this);
    }

    private static InetAddress literal(String s) {
        byte[] b = NetUtil.createByteArrayFromIpAddressString(s);
        if (b == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private void malformed(ChannelHandlerContext ctx, Object detail) {
        refused = true;
        gate.limits().refused(Refusal.PROXY_MALFORMED);
        gate.logProxy("closed a connection with a malformed PROXY protocol header: {}{}", detail);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            ctx.close();
            return;
        }
        // Before the header was read whole every failure is the header's (HAProxyProtocolException, too long).
        malformed(ctx, String.valueOf(cause.getMessage()) + " from " + ctx.channel().remoteAddress());
    }
}
