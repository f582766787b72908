package io.jgoim.client;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Which comet address the client tries next. Hinted nodes from a draining comet's goodbye come first (each once, in
 * the server's order); otherwise the rotation: the addresses of logic's node list when one is configured and
 * answered, then the bootstrap addresses, each in turn, so a dead address is tried once per round and never twice
 * in a row while another is known. The node list is fetched before the first attempt and again each time the
 * rotation wraps; a failed fetch keeps the last list. Event loop only (the fetch completes back on the loop).
 */
final class Endpoints {
    private static final Logger LOG = LoggerFactory.getLogger(JgoimClient.class);
    /** One HTTP client for every SDK client of the process: it is only used between connections. */
    private static volatile HttpClient http;

    private final List<String> bootstrap;
    private final URI nodesUrl;
    private final Duration fetchTimeout;
    private final EventLoop loop;
    private final ArrayDeque<String> hints = new ArrayDeque<>();
    private List<String> rotation;
    private int cursor;
    private boolean fetchDue;

    /**
     * @param bootstrap    the configured addresses, {@code host:port}, at least one
     * @param nodesUrl     logic's node list, or null
     * @param fetchTimeout how long a node-list fetch may take
     * @param loop         the client's event loop (where a fetch completes)
     */
    Endpoints(List<String> bootstrap, URI nodesUrl, Duration fetchTimeout, EventLoop loop) {
        this.bootstrap = List.copyOf(bootstrap);
        this.nodesUrl = nodesUrl;
        this.fetchTimeout = fetchTimeout;
        this.loop = loop;
        this.rotation = bootstrap;
        this.fetchDue = nodesUrl != null;
    }

    /** Calls {@code then} on the loop with the address to try next (after fetching the node list when due). */
    void next(Consumer<String> then) {
        if (hints.isEmpty() && fetchDue) {
            fetchDue = false;
            fetch().whenComplete((nodes, e) -> {
                try {
                    loop.execute(() -> {
                        if (e != null || nodes.isEmpty()) {
                            LOG.debug("node list {} unavailable or empty: {}", nodesUrl, e);
                        } else {
                            listed(nodes);
                        }
                        then.accept(next());
                    });
                } catch (RejectedExecutionException closed) {
                    // the client's loop is gone: the client was closed while the list was on its way
                }
            });
            return;
        }
        then.accept(next());
    }

    /** The address to try next, without fetching. */
    String next() {
        String h = hints.poll();
        if (h != null) {
            return h;
        }
        String addr = rotation.get(cursor);
        cursor++;
        if (cursor >= rotation.size()) {
            cursor = 0;
            fetchDue = nodesUrl != null;
        }
        return addr;
    }

    /** A draining comet named these nodes: they are tried first, in order (replacing older hints). */
    void hint(List<String> nodes) {
        hints.clear();
        hints.addAll(nodes);
    }

    /** True while hinted nodes are left to try. */
    boolean hasHints() {
        return !hints.isEmpty();
    }

    /** How many addresses one round of the rotation tries (hints aside). */
    int roundSize() {
        return rotation.size();
    }

    /** Takes logic's node list: its addresses lead the rotation, the bootstrap addresses follow. */
    void listed(List<String> nodes) {
        LinkedHashSet<String> all = new LinkedHashSet<>(nodes);
        all.addAll(bootstrap);
        rotation = new ArrayList<>(all);
        cursor = 0;
    }

    private CompletableFuture<List<String>> fetch() {
        HttpRequest req = HttpRequest.newBuilder(nodesUrl).timeout(fetchTimeout).GET().build();
        return client().sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode());
            }
            return NodeLists.parse(r.body());
        });
    }

    private static HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (Endpoints.class) {
                c = http;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    http = c;
                }
            }
        }
        return c;
    }
}
