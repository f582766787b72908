package io.jgoim.common.grpc;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reconnects the gRPC links between nodes (comet → logic, job → comet, logic → comet admin) within seconds of a peer
 * becoming reachable again, however long it was away.
 *
 * <p>Why: a channel that cannot connect retries with gRPC's connection back-off, which grows by 1.6 × per failed
 * attempt up to 120 s (and each attempt to a host that drops packets waits out Netty's 30 s connect timeout). A peer
 * unreachable for a minute — a partition between two nodes that both stay alive and registered, a comet restart
 * behind a load balancer that refuses meanwhile — is then tried again only up to two minutes after it is back: a job
 * keeps failing (and finally giving up) the pushes of that comet's sessions, a comet refuses every connect with
 * LOGIC_UNAVAILABLE. Here a channel in TRANSIENT_FAILURE has its back-off cut short once every {@link #INTERVAL}
 * ({@link ManagedChannel#resetConnectBackoff()}: one connection attempt per second to a peer that is away, a SYN or a
 * refused connect), and a connection attempt gives up after {@link #CONNECT_TIMEOUT}, so once the peer answers the
 * link is back within about a second or two.
 */
public final class PromptReconnect {
    /** How often a channel in TRANSIENT_FAILURE is told to try again at once. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /** A TCP connect that takes longer is given up (Netty's default: 30 s). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jgoim-grpc-reconnect");
        t.setDaemon(true);
        return t;
    });

    private PromptReconnect() {
    }

    /** The connect timeout on {@code builder}. */
    public static NettyChannelBuilder apply(NettyChannelBuilder builder) {
        return builder.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
    }

    /**
     * Watches {@code channel} until it is shut down: every {@link #INTERVAL}, {@link #nudge} it. Returns it.
     */
    public static ManagedChannel watch(ManagedChannel channel) {
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        self.set(TIMER.scheduleWithFixedDelay(() -> {
            if (channel.isShutdown()) {
                ScheduledFuture<?> f = self.get();
                if (f != null) {
                    f.cancel(false);
                }
                return;
            }
            nudge(channel);
        }, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        return channel;
    }

    /**
     * Cuts the back-off of {@code channel} short when it is in TRANSIENT_FAILURE (it then tries to connect now);
     * true when it did. Never asks an idle channel to connect.
     */
    public static boolean nudge(ManagedChannel channel) {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
            return true;
        }
        return false;
    }
}
