package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientBuilder;
import io.jgoim.client.Transport;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;

import java.time.Duration;

/**
 * Builds a {@link SessionFleet}'s client for one session from the run's {@link SessionOptions}: its transport, port,
 * token, timings, source address and the scenario's {@link SessionFleet.Tuning}. Apart from the fleet because what a
 * client is made of changes with the options, not with how the fleet paces and measures. Thread-safe (stateless
 * after construction); called on the session's event loop.
 */
final class FleetClientFactory {
    private final SessionOptions options;
    private final SessionFleet.Tuning tuning;
    /** The client TLS context of a TLS run ({@link InsecureClientTls}), null otherwise. */
    private final SslContext trustAll;

    FleetClientFactory(SessionOptions options, SessionFleet.Tuning tuning) {
        this.options = options;
        this.tuning = tuning;
        this.trustAll = options.tls() ? InsecureClientTls.newContext() : null;
    }

    /** A new, unconnected client for session {@code index} (global over all processes) on {@code loop}. */
    JgoimClient build(EventLoop loop, long index, ClientListener listener) {
        Transport transport = options.transport().of(index, options.tls());
        JgoimClientBuilder b = JgoimClient.builder()
                .host(options.host())
                .port(transport.isWebSocket() ? options.wsPort() : options.tcpPort())
                .transport(transport)
                .sslContext(transport.isTls() ? trustAll : null)
                .token(options.runAs().token(options.midBase() + index, options.room()))
                .heartbeatInterval(options.heartbeat())
                .connectTimeout(options.connectTimeout())
                .authTimeout(options.connectTimeout())
                .reconnect(false)
                // a refused first connect is the run's to count (and, with --retry-refused, to retry), even for a
                // tuning that turns reconnects on
                .firstConnectTimeout(Duration.ZERO)
                .positions(options.positions())
                .group(loop)
                .listener(listener);
        if (!options.sourceAddresses().isEmpty()) {
            b.localAddress(options.sourceAddresses().get((int) (index % options.sourceAddresses().size())));
        }
        tuning.tune(index, b);
        return b.build();
    }
}
