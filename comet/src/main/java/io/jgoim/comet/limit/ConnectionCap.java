package io.jgoim.comet.limit;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node-wide cap on open client connections ({@code limits.maxConnections}): one counter for every client
 * listener, raised when a connection is accepted and lowered once when its channel closes (its close future), so
 * every path out, a refusal included, lowers it exactly once. Sockets the comet refused count while they are open:
 * the cap guards file descriptors, and a refused socket holds one until it closes. Thread-safe.
 */
public final class ConnectionCap {
    /** No cap ({@code limits.maxConnections: -1}, or automatic with no readable file-descriptor limit). */
    public static final int NONE = 0;
    /** The least descriptors kept for the node's own sockets and files. */
    static final long MIN_RESERVE = 256;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelFutureListener onClose = f -> open.decrementAndGet();

    /** @param max the cap, or {@link #NONE} */
    public ConnectionCap(int max) {
        this.max = max;
    }

    /**
     * The cap {@code configured} ({@code limits.maxConnections}) means for a process allowed {@code fdLimit} file
     * descriptors (-1: unknown): itself when positive, none when -1, and when 0 (automatic) the limit less a reserve
     * of max(256, 5 %) for what the node opens itself (gRPC to logic, Redis, the admin and metrics listeners and
     * their scrapes, jars, logs, the event loops' epoll descriptors) and for the refused sockets in flight, which
     * outnumber those as the node grows; never less than half the limit, for a small {@code ulimit -n}.
     */
    public static int resolve(int configured, long fdLimit) {
        if (configured > 0) {
            return configured;
        }
        if (configured < 0 || fdLimit <= 0) {
            return NONE;
        }
        long reserve = Math.max(MIN_RESERVE, fdLimit / 20);
        long cap = Math.max(fdLimit - reserve, fdLimit / 2);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, cap));
    }

    /** The process's file-descriptor limit ({@code ulimit -n}), or -1 where the JVM cannot tell it. */
    public static long processFdLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean) {
            long n = ((UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
            return n > 0 ? n : -1;
        }
        return -1;
    }

    /**
     * Counts the accepted channel {@code ch} until it closes; true when it fits under the cap, false when the caller
     * must refuse it (it stays counted until its close, which the refusal brings).
     */
    public boolean open(Channel ch) {
        int n = open.incrementAndGet();
        ch.closeFuture().addListener(onClose);
        return max == NONE || n <= max;
    }

    /** Client connections open now, refused ones not yet closed included. */
    public int openCount() {
        return open.get();
    }

    /** The cap, or {@link #NONE}. */
    public int max() {
        return max;
    }
}
