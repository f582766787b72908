package io.jgoim.client;

import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heartbeat of one client's authenticated connection: sends op 2 at the interval (the fixed one, or the one a
 * jgoim comet advised in its auth reply), counts replies and the room's online count they carry, and closes the
 * connection after {@code heartbeatMaxMissed} unanswered intervals, which is how a silently dead peer is noticed.
 * Owned by the client's {@link Connection}; the timer runs on the client's event loop, the counters are read from any
 * thread.
 */
final class Heartbeat {
    private static final Pattern ADVISED_HEARTBEAT = Pattern.compile("\"heartbeat\"\\s*:\\s*(\\d{1,9})");

    private final ClientConfig config;
    private final EventLoop loop;
    private final Connection connection;

    private volatile int onlineCount;
    private volatile long replies;
    private volatile long intervalNanos;

    // Confined to the event loop.
    private int missed;
    private ScheduledFuture<?> task;

    Heartbeat(ClientConfig config, EventLoop loop, Connection connection) {
        this.config = config;
        this.loop = loop;
        this.connection = connection;
    }

    /** Starts beating on {@code ch}, just authenticated with the auth reply {@code authReplyBody}. */
    void start(Channel ch, ByteBuf authReplyBody) {
        missed = 0;
        long hb = config.heartbeatInterval().toNanos();
        if (config.heartbeatFromServer()) {
            long advised = advisedSeconds(authReplyBody);
            if (advised > 0) {
                hb = TimeUnit.SECONDS.toNanos(advised);
            }
        }
        intervalNanos = hb;
        task = loop.scheduleAtFixedRate(() -> beat(ch), hb, hb, TimeUnit.NANOSECONDS);
    }

    /** Stops the timer (connection lost or client closed). */
    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** A heartbeat reply carrying the room's online count arrived. */
    void onReply(int count) {
        missed = 0;
        onlineCount = count;
        replies++;
    }

    private void beat(Channel ch) {
        if (!connection.isConnected(ch)) {
            return;
        }
        if (missed >= config.heartbeatMaxMissed()) {
            ClientHandler.closeWith(ch, CloseStatus.abnormal("no heartbeat reply for " + missed + " intervals"));
            return;
        }
        missed++;
        ch.writeAndFlush(Proto.newInstance(config.wireVersion(), Op.HEARTBEAT, connection.nextSeq(),
                Unpooled.EMPTY_BUFFER));
    }

    /** The {@code heartbeat} number of an extended auth reply's JSON body, or -1. */
    static long advisedSeconds(ByteBuf body) {
        if (body == null || !body.isReadable()) {
            return -1;
        }
        Matcher m = ADVISED_HEARTBEAT.matcher(body.toString(StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The interval in use: the fixed one, or the one the server advised at the last auth. */
    Duration interval() {
        long n = intervalNanos;
        return n > 0 ? Duration.ofNanos(n) : config.heartbeatInterval();
    }

    int onlineCount() {
        return onlineCount;
    }

    long replies() {
        return replies;
    }
}
