package io.jgoim.common.net;

import io.jgoim.common.http.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server channel's handler for failed accepts (EMFILE, ENFILE, ENOBUFS, ...): stops accepting on that listener
 * for {@link #PAUSE_MILLIS} (what Netty's {@code ServerBootstrapAcceptor} would do, which never sees the error now:
 * this handler sits before it, as {@code ServerBootstrap.handler}), counts the error in
 * {@code jgoim_accept_errors_total{listener}} when a registry is given, and logs one WARN line per
 * {@link #LOG_INTERVAL} at most, without a stack trace, instead of letting the exception reach the pipeline's tail
 * (Netty's WARN with a stack trace for each failed accept, once a second while the descriptors stay exhausted).
 * Other exceptions pass on unchanged. One instance per listener; called on the listener's event loop.
 */
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptErrorHandler.class);
    /** How long a listener stops accepting after a failed accept. */
    public static final long PAUSE_MILLIS = 1000;
    /** At most one log line per listener this often. */
    public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final String listener;
    private final Counter errors;
    private final RateLimitedLog lines = new RateLimitedLog(LOG_INTERVAL);

    /**
     * @param listener names the listener in the log line and the metric's label (a bounded set: "tcp", "logic-http")
     * @param registry where the error counter goes; null: none
     */
    public AcceptErrorHandler(String listener, MeterRegistry registry) {
        this.listener = listener;
        this.errors = registry == null ? null : Counter.builder("jgoim_accept_errors").tag("listener", listener)
                .description("accepts that failed on a listener (out of file descriptors, ...), each pausing it 1 s")
                .register(registry);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (errors != null) {
            errors.increment();
        }
        pause(ctx.channel());
        long suppressed = lines.acquire();
        if (suppressed >= 0) {
            log.warn("accept failed on {}: {}; pausing accepts {} s ({} since the last line)", listener,
                    reason(cause), PAUSE_MILLIS / 1000, suppressed + 1);
        }
    }

    /** As Netty's acceptor: no accepts for the pause, then on again, unless reads were off already. */
    private static void pause(Channel ch) {
        ChannelConfig config = ch.config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ch.eventLoop().schedule(() -> config.setAutoRead(true), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The OS's words for the error: "accept(..) failed: Too many open files" (epoll) or "Too many open files"
     * (NIO) both give "Too many open files".
     */
    static String reason(Throwable cause) {
        String m = String.valueOf(cause.getMessage());
        int colon = m.lastIndexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }

    /** Accept errors counted since start (0 without a registry). */
    public double errors() {
        return errors == null ? 0 : errors.count();
    }
}
