package io.jgoim.comet.transport;

import io.netty.channel.Channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets the accepted connections of a listener share one local-address object. Netty's epoll transport reads the
 * local address of every accepted socket into a new {@link InetSocketAddress} (with its holder, {@code InetAddress}
 * and that one's holder: 104 bytes under ZGC) and keeps it as long as the connection lives, although every connection
 * of a listener has the same local address (one per server address with a wildcard bind). {@link #share} swaps the
 * channel's copy for an equal canonical instance, so {@code channel.localAddress()} still answers the same value.
 *
 * <p>It writes Netty's private {@code AbstractEpollChannel.local} field: when that field is not found (another
 * transport, such as NIO, whose JDK channel keeps its own, or another Netty version) it does nothing. At most
 * {@value #MAX_ADDRESSES} distinct addresses are kept (a host has few; beyond that connections keep their own copy).
 * Thread-safe: called from every event loop at accept.
 */
final class SharedLocalAddress {
    static final int MAX_ADDRESSES = 64;
    /** {@code AbstractEpollChannel.local}, or null when this Netty has no such field. */
    private static final VarHandle EPOLL_LOCAL = epollLocal();

    private final ConcurrentHashMap<InetSocketAddress, InetSocketAddress> canonical = new ConcurrentHashMap<>();

    /** Replaces {@code ch}'s cached local address by the shared instance equal to it. Call before anyone reads it. */
    void share(Channel ch) {
        VarHandle local = EPOLL_LOCAL;
        if (local == null || !local.coordinateTypes().get(0).isInstance(ch)) {
            return;
        }
        Object current = local.getVolatile(ch);
        if (!(current instanceof InetSocketAddress)) {
            return;
        }
        InetSocketAddress address = (InetSocketAddress) current;
        InetSocketAddress shared = canonical.get(address);
        if (shared == null) {
            if (canonical.size() >= MAX_ADDRESSES) {
                return;
            }
            shared = canonical.computeIfAbsent(address, a -> a);
        }
        if (shared != address) {
            local.compareAndSet(ch, current, shared);
        }
    }

    /** Distinct local addresses shared so far (for tests). */
    int size() {
        return canonical.size();
    }

    private static VarHandle epollLocal() {
        try {
            Class<?> c = Class.forName("io.netty.channel.epoll.AbstractEpollChannel", false,
                    SharedLocalAddress.class.getClassLoader());
            return MethodHandles.privateLookupIn(c, MethodHandles.lookup()).findVarHandle(c, "local",
                    SocketAddress.class);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }
}
