package io.jgoim.comet;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.CloseCode;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;

/** Sessions on EmbeddedChannels for the index, room and fan-out unit tests (and a model for benchmarks). */
public final class TestSessions {
    /** Close codes requested through the sessions' closers. */
    public final List<CloseCode> closes = new ArrayList<>();
    public final CometMetrics metrics = CometMetrics.noop();

    public Session session(EmbeddedChannel ch, SessionTransport transport, String key, int loopIndex) {
        return new Session(ch, transport, 1, key, false, loopIndex, 4, metrics, closes::add);
    }

    /**
     * Bytes {@code ch} wrote since its outbound was last read, every message drained and released (a message that is
     * not a buffer counts 1): an empty flush is no byte.
     */
    public static int outboundBytes(io.netty.channel.embedded.EmbeddedChannel ch) {
        int n = 0;
        for (Object o; (o = ch.readOutbound()) != null; ) {
            n += o instanceof io.netty.buffer.ByteBuf b ? b.readableBytes() : 1;
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return n;
    }
}
