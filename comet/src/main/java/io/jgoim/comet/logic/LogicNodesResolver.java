package io.jgoim.comet.logic;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A gRPC name resolver over a list of {@code host:port} logic addresses: a fixed list, or the logic-node registry
 * read every {@code every}. An empty or failed read keeps the last known nodes (a registry that lost its data or
 * blinked must not leave the comet with nowhere to authenticate); with none known yet it reports UNAVAILABLE, which
 * gRPC retries with backoff. The channel's load balancer gets the new list only when it changed. An entry that is
 * not {@code host:port} (the registry is shared: anything may have written it) is left out and logged once per set of
 * such entries; it must not stop the comet from learning of the valid ones.
 */
final class LogicNodesResolver extends NameResolver {
    private static final Logger log = LoggerFactory.getLogger(LogicNodesResolver.class);

    private final String authority;
    private final Supplier<CompletableFuture<List<String>>> source;
    private final Duration every;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> polling;
    private Listener2 listener;
    private List<String> last = List.of();
    /** The entries of the last read that were not {@code host:port}, so each set of them is logged once. */
    private List<String> lastMalformed = List.of();

    /** {@code every}: how often to read {@code source} again, or null for a fixed list read once. */
    LogicNodesResolver(String authority, Supplier<CompletableFuture<List<String>>> source, Duration every) {
        this.authority = authority;
        this.source = source;
        this.every = every;
    }

    /** A resolver factory handing out this kind of resolver for any target (the channel has only the one). */
    static NameResolver.Factory factory(String authority, Supplier<CompletableFuture<List<String>>> source,
                                        Duration every) {
        return new NameResolver.Factory() {
            @Override
            public NameResolver newNameResolver(URI targetUri, Args args) {
                return new LogicNodesResolver(authority, source, every);
            }

            @Override
            public String getDefaultScheme() {
                return "jgoim-logic";
            }
        };
    }

    @Override
    public String getServiceAuthority() {
        return authority;
    }

    @Override
    public synchronized void start(Listener2 listener) {
        this.listener = listener;
        resolve();
        if (every != null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "jgoim-logic-nodes");
                t.setDaemon(true);
                return t;
            });
            polling = timer.scheduleWithFixedDelay(this::resolve, every.toMillis(), every.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void refresh() {
        resolve();
    }

    private void resolve() {
        CompletableFuture<List<String>> read;
        try {
            read = source.get();
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete(this::apply);
    }

    private synchronized void apply(List<String> nodes, Throwable error) {
        if (listener == null) {
            return;
        }
        if (error != null || nodes == null || nodes.isEmpty()) {
            if (last.isEmpty()) {
                listener.onError(Status.UNAVAILABLE.withDescription("no logic node known yet"
                        + (error != null ? ": " + error : " (none registered)")));
            } else if (error != null) {
                log.debug("logic node list unreadable, keeping {}: {}", last, error.toString());
            }
            return;
        }
        List<String> sorted = new ArrayList<>(nodes.size());
        List<EquivalentAddressGroup> groups = new ArrayList<>(nodes.size());
        List<String> malformed = new ArrayList<>();
        java.util.TreeSet<String> distinct = new java.util.TreeSet<>();
        for (String n : nodes) {
            if (n != null) {
                distinct.add(n);
            }
        }
        for (String n : distinct) {
            InetSocketAddress a = address(n);
            if (a == null) {
                malformed.add(n);
            } else {
                sorted.add(n);
                groups.add(new EquivalentAddressGroup(a));
            }
        }
        if (!malformed.equals(lastMalformed)) {
            lastMalformed = List.copyOf(malformed);
            if (!malformed.isEmpty()) {
                log.warn("logic node registry: ignoring entries that are not host:port: {}", malformed);
            }
        }
        if (sorted.isEmpty()) {
            apply(null, null);
            return;
        }
        if (sorted.equals(last)) {
            return;
        }
        log.info("logic nodes: {}", sorted);
        last = List.copyOf(sorted);
        listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
    }

    /** {@code host:port} ({@code [v6]:port} too) as an address, or null when it is not one (port 1..65535). */
    static InetSocketAddress address(String n) {
        if (n == null) {
            return null;
        }
        int colon = n.lastIndexOf(':');
        if (colon <= 0 || colon == n.length() - 1 || n.length() - colon > 6) {
            return null;
        }
        String host = n.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = 0;
        for (int i = colon + 1; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            port = port * 10 + (c - '0');
        }
        if (host.isEmpty() || port < 1 || port > 65535 || host.indexOf(':') >= 0 && !n.startsWith("[")) {
            return null;
        }
        return new InetSocketAddress(host, port); // resolved now, as gRPC expects of a resolver
    }

    @Override
    public synchronized void shutdown() {
        listener = null;
        if (polling != null) {
            polling.cancel(false);
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
