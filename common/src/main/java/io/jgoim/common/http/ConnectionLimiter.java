package io.jgoim.common.http;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the connections one client address holds on a listener, so one client cannot take every file descriptor:
 * a connection over the cap is answered at once (the service's {@link HttpRefusal#TOO_MANY_CONNECTIONS} reply, no
 * request read) and closed, lingering. The address is the TCP peer: behind a proxy every client shares the proxy's.
 * One per listener; thread-safe (connections of every event loop count in one map, entries removed at zero).
 * Refusals are counted, and logged at most once a second.
 */
public final class ConnectionLimiter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final RateLimitedLog refusedLog = new RateLimitedLog();
    private final int maxPerAddress;
    private final Counter refused;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();

    /**
     * @param maxPerAddress connections one address may hold at once; at least 1
     * @param refused       counted each time a connection is refused over the cap
     */
    public ConnectionLimiter(int maxPerAddress, Counter refused) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("maxPerAddress must be at least 1, was " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
        this.refused = refused;
    }

    /**
     * Counts {@code ch} against its peer's address until it closes, or refuses it: returns false (and counts the
     * refusal) when the address already holds the cap. Call once per accepted channel, from its initializer.
     */
    public boolean admit(Channel ch) {
        if (!(ch.remoteAddress() instanceof InetSocketAddress peer) || peer.getAddress() == null) {
            return true; // not an IP connection (an embedded or local channel): nothing to count it against
        }
        InetAddress address = peer.getAddress();
        int[] count = new int[1];
        open.compute(address, (a, n) -> {
            count[0] = n == null ? 1 : n < maxPerAddress ? n + 1 : -1;
            return count[0] < 0 ? n : Integer.valueOf(count[0]);
        });
        if (count[0] < 0) {
            refused.increment();
            long more = refusedLog.acquire();
            if (more >= 0) {
                log.warn("HTTP connection from {} refused: it holds the cap of {} connections{}", address,
                        maxPerAddress, RateLimitedLog.suppressedNote(more));
            }
            return false;
        }
        ch.closeFuture().addListener(f -> open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1));
        return true;
    }

    /** Connections {@code address} holds now. */
    int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    /**
     * Sets up a channel {@link #admit} refused: once active it is answered {@code refusal} (Connection: close), then
     * ended with a {@link LingeringClose}; anything it sends is discarded unread (a close with it unread would answer
     * with a reset the refusal may not survive).
     */
    public static void refuse(Channel ch, FullHttpResponse refusal) {
        HttpUtil.setKeepAlive(refusal, false);
        ch.pipeline().addLast(new HttpResponseEncoder(), new ChannelInboundHandlerAdapter() {
            private FullHttpResponse pending = refusal;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                FullHttpResponse r = pending;
                pending = null;
                ctx.writeAndFlush(r).addListener(LingeringClose.INSTANCE);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext ctx) {
                if (pending != null) {
                    pending.release(); // closed before it became active
                    pending = null;
                }
            }
        });
    }
}
