package io.jgoim.server.cluster;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The test's SDK clients on one shared event loop group: built with goim tokens, reconnect on (short backoff), a
 * list of comet addresses to fail over between (the home comet first), and positions (ver 3) or not (ver 1, a goim
 * client). Owns the clients and the group.
 */
public final class Fleet implements AutoCloseable {
    /** What one client is. */
    public record Spec(String key, long mid, String room, Transport transport, List<String> addresses,
                       boolean positions) {
    }

    private final EventLoopGroup group;
    private final List<JgoimClient> clients = new ArrayList<>();

    public Fleet(int threads) {
        this.group = ClientTransports.newEventLoopGroup(threads);
    }

    /** Builds a client (not connected). */
    public synchronized JgoimClient build(Spec spec, ClientListener listener) {
        String[] first = spec.addresses().get(0).split(":");
        JgoimClient c = JgoimClient.builder().host(first[0]).port(Integer.parseInt(first[1]))
                .addresses(spec.addresses()).transport(spec.transport())
                .goimToken(spec.mid(), spec.key(), spec.room(), "test", 1000)
                .heartbeatInterval(Duration.ofSeconds(20))
                .extended(spec.positions()).positions(spec.positions())
                .reconnect(true).backoff(Duration.ofMillis(100), Duration.ofMillis(1000))
                .group(group).listener(listener).build();
        clients.add(c);
        return c;
    }

    /**
     * Connects every client, at most {@code parallel} auths at a time, and fails if one does not connect within
     * {@code timeout}.
     */
    public static void connectAll(List<JgoimClient> clients, int parallel, Duration timeout) throws Exception {
        Semaphore permits = new Semaphore(parallel);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> all = new ArrayList<>(clients.size());
        for (JgoimClient c : clients) {
            permits.acquire();
            all.add(c.connect().whenComplete((v, e) -> {
                permits.release();
                if (e != null) {
                    errors.add(e);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.size() + " clients failed to connect", errors.peek());
        }
    }

    /** The clients not connected now. */
    public synchronized long notConnected() {
        return clients.stream().filter(c -> c.state() != ClientState.CONNECTED).count();
    }

    /** How many clients are in each state, with their last close, for a failure message. */
    public synchronized String describe() {
        java.util.Map<String, Long> by = new java.util.TreeMap<>();
        for (JgoimClient c : clients) {
            if (c.state() != ClientState.CONNECTED) {
                by.merge(c.state() + " after " + c.lastClose(), 1L, Long::sum);
            }
        }
        return by.toString();
    }

    public synchronized List<JgoimClient> clients() {
        return new ArrayList<>(clients);
    }

    @Override
    public synchronized void close() {
        for (JgoimClient c : clients) {
            c.closeAsync();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
