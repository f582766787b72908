package io.jgoim.comet.node;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.admin.AdminEndpoint;
import io.jgoim.common.admin.AdminRoutes;
import io.jgoim.common.http.access.AdminKey;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.common.health.EventLoopsCheck;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.common.tls.NodeSslContexts;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The comet's admin port ({@code /metrics}, {@code /health}, {@code /health/live}, {@code /health/ready}, open; the
 * operator's {@code /admin/*} routes behind {@code admin.apiKeys}) and the
 * comet's {@link NodeHealth}: not ready at once while draining (new sessions must go elsewhere; the sessions still
 * here keep receiving pushes), and when a critical dependency the composition root adds (logic) stays down past its
 * grace; live while every event loop runs a task. Standalone disables the port and serves the same health through
 * logic's. Created with the comet, started at the end of its start, closed with it.
 */
public final class CometAdmin implements AutoCloseable {
    private final CometConfig config;
    private final PrometheusMeterRegistry meters;
    private final NodeHealth health;
    private MetricsHttpServer server;
    private volatile InetSocketAddress address;

    /**
     * @param draining true once the comet drains or closes
     * @param loops    the comet's event loop groups (read at each liveness check; null entries: not started)
     */
    public CometAdmin(CometConfig config, PrometheusMeterRegistry meters, BooleanSupplier draining,
                      Supplier<List<EventLoopGroup>> loops) {
        this.config = config;
        this.meters = meters;
        this.health = new NodeHealth(config.node().id(), config.health(),
                config.admin().enabled() ? meters : null);
        health.condition("draining", draining, "the comet is draining: new sessions must go to another comet");
        health.liveCheck("event-loops", new EventLoopsCheck(loops));
    }

    public NodeHealth health() {
        return health;
    }

    /**
     * Starts the probes and binds the admin port when enabled, serving {@code routes} under {@code /admin/} to
     * callers with one of {@code admin.apiKeys}; returns its address, or null when disabled.
     */
    public synchronized InetSocketAddress start(EventLoopGroup group, Class<? extends ServerChannel> channelType,
                                                AdminRoutes routes) {
        health.start();
        if (!config.admin().enabled()) {
            return null;
        }
        List<AdminKey> keys = config.admin().apiKeys();
        ApiKeyring keyring = keys.isEmpty() ? null
                : new ApiKeyring(keys, "jgoim.comet.admin.auth", meters, System::nanoTime);
        server = new MetricsHttpServer(meters, health, NodeSslContexts.httpServer(config.admin().tls(), "admin.tls"),
                new AdminEndpoint(routes, keyring, "admin.apiKeys"));
        address = server.start(group, channelType, config.admin().bind(), config.admin().port());
        return address;
    }

    /** The bound admin address, null when disabled or not started. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
        }
        health.close();
    }
}
