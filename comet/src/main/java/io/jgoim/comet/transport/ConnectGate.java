package io.jgoim.comet.transport;

import io.jgoim.comet.config.CidrList;
import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.config.ProxyConfig;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.limit.ConnectLimits;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.common.logging.ClientText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.FullHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The limits at accept, first thing in a listener's {@code initChannel}, before any TLS, WebSocket or auth work:
 * the node's cap on open connections, the node's accept bucket, then the per-address limits and bans on the peer's address, or, when the client's real
 * address comes later from a trusted load balancer, the handler that will apply them to it (a PROXY header:
 * {@link ProxyProtocolHandler}; an X-Forwarded-For header of a WebSocket upgrade: {@link ForwardedForHandler}). A
 * refused connection gets the {@link RefusedConnection} pipeline only, or on a plain WebSocket listener whose
 * refusals go in a close frame the {@link RefusedUpgrade} pipeline only. One instance per listener; thread-safe.
 */
final class ConnectGate {
    private static final Logger log = LoggerFactory.getLogger(ConnectGate.class);

    /** What the initializer builds after {@link #admit}. */
    enum Verdict { REFUSED, ADMITTED, AWAIT_FORWARDED_FOR }

    private final ConnectLimits limits;
    private final boolean webSocket;
    private final boolean tls;
    private final boolean proxyProtocol;
    private final CidrList trustedProxies;
    private final CidrList forwardedForTrusted;
    private final RefusalReplies replies;
    /** Set on a plain WebSocket listener with webSocket.refusal: close-frame; null: raw replies (or a bare close). */
    private final RefusedUpgrade.Listener closeFrames;
    /** Refused proxy peers are not clients: one log line a second at most, however many connect. */
    private final RateLimitedLog proxyLog = new RateLimitedLog();

    ConnectGate(ConnectLimits limits, ProxyConfig proxy, boolean webSocket, boolean tls) {
        this(limits, proxy, webSocket, tls, null, null, 0);
    }

    /**
     * The longest a refused WebSocket client's upgrade request is waited for (less when {@code
     * protocol.handshakeTimeout} is less): a browser sends it as soon as it is connected, and a flood of refused
     * connections that send nothing must not hold a socket each for a whole handshake timeout.
     */
    static final long REFUSED_REQUEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * A plain WebSocket listener's gate refusing in close frames, when {@code path} is not null: the upgrade request
     * on {@code path} from an origin in {@code origins} is read within {@code handshakeTimeoutNanos} of accept, at
     * most {@link #REFUSED_REQUEST_WAIT_NANOS}.
     */
    ConnectGate(ConnectLimits limits, ProxyConfig proxy, boolean webSocket, boolean tls, String path,
                OriginAllowList origins, long handshakeTimeoutNanos) {
        this.limits = limits;
        this.webSocket = webSocket;
        this.tls = tls;
        this.proxyProtocol = proxy.protocol();
        this.trustedProxies = proxy.trustedProxyList();
        this.forwardedForTrusted = webSocket ? proxy.forwardedForList() : CidrList.empty();
        this.replies = new RefusalReplies(limits.config().banTime().toSeconds());
        this.closeFrames = webSocket && !tls && path != null
                ? new RefusedUpgrade.Listener(replies, path, origins,
                        Math.min(handshakeTimeoutNanos, REFUSED_REQUEST_WAIT_NANOS)) : null;
    }

    /**
     * Applies the limits to the accepted channel {@code ch}, whose client is {@code client}: on a refusal the
     * channel's pipeline is the refusal alone; with the PROXY protocol on, the header's decoder and handler are added
     * (the caller adds the rest after them).
     */
    Verdict admit(Channel ch, ClientIp client) {
        // first: counts the socket until it closes, whatever comes next (limits.maxConnections)
        Refusal r = limits.openConnection(ch);
        if (r != null) {
            refuse(ch, r);
            return Verdict.REFUSED;
        }
        r = limits.acceptNode();
        if (r != null) {
            // a TLS listener closes bare (nothing is written before the handshake), so it books no place either
            if (closeFrames != null) {
                refuseUpgrade(ch, r, limits.acceptRetryAfterSeconds());
            } else {
                ch.pipeline().addLast(PipelineNames.REFUSED, new RefusedConnection(tls ? null
                        : replies.acceptRefusal(limits.acceptRetryAfterSeconds(), webSocket)));
            }
            return Verdict.REFUSED;
        }
        InetAddress peer = client.address() == null ? null : client.address().getAddress();
        if (proxyProtocol) {
            if (!trustedProxies.contains(peer)) {
                limits.refused(Refusal.PROXY_UNTRUSTED);
                logProxy("refused a connection from {}: not in proxy.trustedProxies, and proxy.protocol is on{}",
                        client.address());
                ch.close();
                return Verdict.REFUSED;
            }
            ch.pipeline().addLast(PipelineNames.PROXY_DECODER, new HAProxyMessageDecoder());
            ch.pipeline().addLast(PipelineNames.PROXY, new ProxyProtocolHandler(this, client));
            return Verdict.ADMITTED;
        }
        if (peer != null && forwardedForTrusted.contains(peer)) {
            return Verdict.AWAIT_FORWARDED_FOR;
        }
        if (peer == null) {
            return Verdict.ADMITTED;
        }
        r = limits.admit(client, peer);
        if (r != null) {
            refuse(ch, r);
            return Verdict.REFUSED;
        }
        return Verdict.ADMITTED;
    }

    private void refuse(Channel ch, Refusal r) {
        if (closeFrames != null) {
            refuseUpgrade(ch, r, 0);
            return;
        }
        ch.pipeline().addLast(PipelineNames.REFUSED, new RefusedConnection(tls ? null : replies.raw(r, webSocket)));
    }

    /**
     * The refused connection's pipeline when the refusal goes in a close frame: {@link RefusedUpgrade} alone, which
     * scans the raw request (no HTTP codec or aggregator for a connection that is refused anyway).
     */
    private void refuseUpgrade(Channel ch, Refusal r, int acceptSeconds) {
        ch.pipeline().addLast(PipelineNames.REFUSED, new RefusedUpgrade(closeFrames, r, acceptSeconds));
    }

    /**
     * Refuses, for {@code r}, a connection whose PROXY header was just read ({@code ctx}: the PROXY handler, the
     * rest of the listener's pipeline after it): the raw refusal (a bare close on TLS), or on a close-frame
     * WebSocket listener a {@link RefusedUpgrade} right behind the HTTP codec, which takes the request instead of
     * the upgrade handler. True when the caller must discard what the client sends.
     */
    boolean refuseAfterProxyHeader(ChannelHandlerContext ctx, Refusal r) {
        if (closeFrames != null) {
            ctx.pipeline().addAfter(PipelineNames.HTTP_AGGREGATOR, PipelineNames.REFUSED,
                    new RefusedUpgrade(closeFrames, r, 0));
            return false;
        }
        RefusedConnection.refuse(ctx, tls ? null : replies.raw(r, webSocket));
        return true;
    }

    /**
     * Refuses, for {@code r}, the upgrade request {@code request} a trusted proxy's X-Forwarded-For named the client
     * of ({@code ctx}: the handler behind the HTTP aggregator): the HTTP refusal, or in a close frame. Takes
     * ownership of {@code request}.
     */
    void refuseForwarded(ChannelHandlerContext ctx, FullHttpRequest request, Refusal r) {
        if (closeFrames == null) {
            request.release();
            RefusedRequest.answer(ctx, replies.response(r));
            return;
        }
        ctx.pipeline().addAfter(ctx.name(), PipelineNames.REFUSED, new RefusedUpgrade(closeFrames, r, 0));
        ctx.pipeline().remove(ctx.handler());
        ctx.fireChannelRead(request);
    }

    ConnectLimits limits() {
        return limits;
    }

    RefusalReplies replies() {
        return replies;
    }

    boolean webSocket() {
        return webSocket;
    }

    boolean tls() {
        return tls;
    }

    CidrList forwardedForTrusted() {
        return forwardedForTrusted;
    }

    /** The peer of a WebSocket upgrade is trusted for X-Forwarded-For (after a PROXY header named it, too). */
    boolean trustsForwardedFor(InetSocketAddress address) {
        return address != null && forwardedForTrusted.contains(address.getAddress());
    }

    /**
     * Logs a refused proxy peer or header, one line a second at most; {@code detail} may quote the header (the PROXY
     * decoder's messages do), so it is escaped and bounded ({@link ClientText}).
     */
    void logProxy(String format, Object detail) {
        long suppressed = proxyLog.acquire();
        if (suppressed >= 0) {
            log.warn(format, ClientText.of(detail), RateLimitedLog.suppressedNote(suppressed));
        }
    }
}
