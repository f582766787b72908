package io.jgoim.common.net;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ServerChannel;

/**
 * Listening channels for servers that build their own {@code ServerBootstrap} and take no server-channel handler:
 * grpc-netty's {@code NettyServerBuilder} takes a {@link ChannelFactory} but no {@code handler}, so a gRPC listener
 * out of file descriptors let each failed accept reach the pipeline's tail (Netty's WARN with a stack trace, once a
 * second while it lasted). The channels made here carry an {@link AcceptErrorHandler} from construction; the
 * bootstrap's acceptor is added behind it at registration, so the handler sees a failed accept first, as with
 * {@code ServerBootstrap.handler}. Thread-safe.
 */
public final class AcceptingChannels {
    private AcceptingChannels() {
    }

    /**
     * A factory of {@code type} channels whose failed accepts {@link AcceptErrorHandler} answers (pause, count in
     * {@code registry} under {@code listener}, one log line per interval); {@code registry} may be null.
     */
    public static ChannelFactory<ServerChannel> withAcceptErrors(Class<? extends ServerChannel> type, String listener,
                                                                 MeterRegistry registry) {
        ReflectiveChannelFactory<? extends ServerChannel> plain = new ReflectiveChannelFactory<>(type);
        return () -> {
            ServerChannel ch = plain.newChannel();
            ch.pipeline().addLast(new AcceptErrorHandler(listener, registry));
            return ch;
        };
    }
}
