package io.jgoim.common.grpc;

import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 keepalive on the gRPC links between nodes (comet → logic, job → comet). A peer that hangs (a frozen process,
 * a path that drops packets, a NAT or firewall that forgot the connection) leaves its connection looking open: calls
 * sent on it wait out their deadline one after another, and round-robin keeps picking it, since nothing tells the
 * channel it is gone. With keepalive the caller pings after {@code time} without a byte from the peer and closes the
 * connection when the ping is not answered within {@code timeout}; the balancer then picks only the peers that
 * answer, and reconnects to this one in the background.
 *
 * <p>Every node's gRPC server {@link #permit permits} pings every {@link #PERMITTED} (with or without calls open):
 * a server that permits less answers a more eager caller with GOAWAY {@code too_many_pings}. So in a rolling upgrade
 * from a version without keepalive, upgrade the callees first (logic before comets, comets before jobs), or keep
 * keepalive off (0) until they are.
 */
public final class KeepAlive {
    /** The most frequent pings a node's gRPC server takes from a caller; below grpc-java's 10 s client floor. */
    public static final Duration PERMITTED = Duration.ofSeconds(5);

    /** The shipped keepalive time of the links that have it configurable, and of logic's admin channels to comets. */
    public static final Duration TIME = Duration.ofSeconds(10);
    /** The shipped keepalive timeout, as {@link #TIME}. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private KeepAlive() {
    }

    /**
     * Pings after {@code time} of silence, with or without calls open, and gives up the connection when a ping is
     * not answered within {@code timeout}. {@code time} 0: no keepalive (the builder as it was). grpc-java raises a
     * {@code time} under 10 s to 10 s.
     */
    public static NettyChannelBuilder apply(NettyChannelBuilder builder, Duration time, Duration timeout) {
        if (time.isZero()) {
            return builder;
        }
        return builder.keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveWithoutCalls(true);
    }

    /** Lets callers ping every {@link #PERMITTED}, also with no call open (see the class comment). */
    public static NettyServerBuilder permit(NettyServerBuilder builder) {
        return builder.permitKeepAliveTime(PERMITTED.toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true);
    }
}
