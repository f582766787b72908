package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.GoimToken;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.loadtest.metrics.RunMetrics;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Opens a scenario's sessions at a fixed rate (open loop: session i is started at {@code i / rate} seconds whatever
 * the fate of the others), records connect, auth and ready latency (ready: from the scheduled start to the auth
 * reply) and failures by reason, keeps the open-session gauge and
 * counts sessions the server drops. One fleet per run; {@link #open} is called from one thread, the listeners run on
 * the shared event loops.
 */
final class SessionFleet implements AutoCloseable {
    private final SessionOptions options;
    private final RunMetrics metrics;
    private final EventLoopGroup group;
    private final List<JgoimClient> clients = new ArrayList<>();
    private io.netty.handler.ssl.SslContext trustAll;
    private final List<CompletableFuture<Void>> connects = new ArrayList<>();
    private volatile boolean closing;

    SessionFleet(SessionOptions options, RunMetrics metrics) {
        this.options = options;
        this.metrics = metrics;
        this.group = ClientTransports.newEventLoopGroup(options.threads());
    }

    /**
     * Starts every session at its scheduled time, then waits for all of them to authenticate or fail. Returns the
     * number that authenticated. {@code pushes} gives the push listener of session {@code index} (null: none).
     */
    int open(LongFunction<ClientListener> pushes) {
        long start = System.nanoTime();
        double period = 1e9 / options.connectRate();
        for (int i = 0; i < options.sessions(); i++) {
            long due = start + (long) (i * period);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long index = options.firstIndex() + i;
            connects.add(connect(index, due, pushes == null ? null : pushes.apply(index)));
        }
        long deadline = options.connectTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(5);
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new))
                    .exceptionally(t -> null).get(deadline, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            metrics.fail("fleet: connects still pending after " + Duration.ofNanos(deadline));
        }
        return (int) connects.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    private CompletableFuture<Void> connect(long index, long due, ClientListener pushes) {
        Transport transport = options.transport().of(index, options.tls());
        io.jgoim.client.JgoimClientBuilder b = JgoimClient.builder()
                .host(options.host())
                .port(transport.isWebSocket() ? options.wsPort() : options.tcpPort())
                .transport(transport)
                .sslContext(transport.isTls() ? trustAll() : null)
                .token(GoimToken.json(options.midBase() + index, "", options.room(), "loadtest"))
                .heartbeatInterval(options.heartbeat())
                .connectTimeout(options.connectTimeout())
                .authTimeout(options.connectTimeout())
                .reconnect(false)
                .group(group)
                .listener(new FleetListener(pushes));
        if (!options.sourceAddresses().isEmpty()) {
            b.localAddress(options.sourceAddresses().get((int) (index % options.sourceAddresses().size())));
        }
        JgoimClient c = b.build();
        clients.add(c);
        metrics.counter("sessions.attempted").increment();
        return c.connect().whenComplete((v, t) -> {
            if (t == null) {
                metrics.recorder("connect").recordValue(c.connectNanos() / 1000);
                metrics.recorder("auth").recordValue(c.authNanos() / 1000);
                // open loop: from the session's scheduled start, so client-side queueing is not hidden
                metrics.recorder("ready").recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                metrics.counter("sessions.connected").increment();
            } else {
                metrics.fail(FailureReasons.of(t));
            }
        });
    }

    /** A client TLS context that accepts any certificate: a load tool measures, it does not authenticate servers. */
    private io.netty.handler.ssl.SslContext trustAll() {
        if (trustAll == null) {
            try {
                trustAll = io.netty.handler.ssl.SslContextBuilder.forClient()
                        .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE).build();
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException("cannot build a client TLS context", e);
            }
        }
        return trustAll;
    }

    /**
     * Opens {@code options.warmup()} sessions at the connect rate and closes them again, unmeasured: the first
     * thousands of connects of a cold JVM (client and server) measure the JIT, not the server.
     */
    static void warmUp(SessionOptions options) {
        if (options.warmup() == 0) {
            return;
        }
        SessionOptions w = options.withSessions(options.warmup(), options.connectRate()).withWarmup(0);
        try (RunMetrics throwaway = new RunMetrics(List.of("ready", "connect", "auth"), List.of(), 0);
             SessionFleet fleet = new SessionFleet(w, throwaway)) {
            fleet.open(null);
        }
    }

    /** Sessions open now. */
    long open() {
        return metrics.sessions().get();
    }

    List<JgoimClient> clients() {
        return clients;
    }

    /** Closes every session (not counted as drops) and the event loops; waits for them. */
    @Override
    public void close() {
        closing = true;
        CompletableFuture<?>[] closed = clients.stream().map(JgoimClient::closeAsync)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closed).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("loadtest: sessions still closing after 30 s: " + e);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private final class FleetListener implements ClientListener {
        private final ClientListener pushes;

        FleetListener(ClientListener pushes) {
            this.pushes = pushes;
        }

        @Override
        public void onPush(JgoimClient client, int op, int seq, io.netty.buffer.ByteBuf body) {
            if (pushes != null) {
                pushes.onPush(client, op, seq, body);
            }
        }

        @Override
        public void onStateChange(JgoimClient client, ClientState state) {
            if (state == ClientState.CONNECTED) {
                metrics.sessions().incrementAndGet();
            }
        }

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
            if (client.reconnects() > 0 || client.authNanos() > 0) {
                metrics.sessions().decrementAndGet();
                if (!closing) {
                    metrics.counter("sessions.dropped").increment();
                    metrics.fail("dropped: " + FailureReasons.of(status));
                }
            }
        }
    }
}
