package io.jgoim.server;

import io.jgoim.comet.index.Session;
import io.jgoim.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * A {@link StandaloneServer} on 127.0.0.1 with every port 0, and what the load tool's tests read from it or do to
 * it: logic's and job's counters, and the comet's sessions of given members (found by logic's routes) to read their
 * peers, close them with a code, or drop them. The one place those tests touch comet classes. Not thread-safe to
 * start or close; the readers may be called from any thread.
 */
final class StandaloneProbe implements AutoCloseable {
    private final StandaloneServer server;

    private StandaloneProbe(StandaloneServer server) {
        this.server = server;
    }

    /** Starts a standalone server; with {@code tls} the comet also serves TCP over TLS and WSS (self-signed). */
    static StandaloneProbe start(Path dir, boolean tls) throws Exception {
        return start(dir, tls, "");
    }

    /** As above, with {@code cometYaml} (lines of the comet section, indented two spaces) added to the comet's. */
    static StandaloneProbe start(Path dir, boolean tls, String cometYaml) throws Exception {
        Path cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:",
                "  tcp: {bind: 127.0.0.1, port: 0" + (tls ? ", tlsEnabled: true, tlsPort: 0}" : "}"),
                "  webSocket: {bind: 127.0.0.1, port: 0}",
                "  wss: {bind: 127.0.0.1, port: 0, enabled: " + tls + "}",
                "  shutdown: {drainTime: 1s}",
                cometYaml,
                "logic:",
                "  http: {port: 0}",
                ""));
        StandaloneServer s = StandaloneServer.load(cfg, Map.of());
        s.start();
        return new StandaloneProbe(s);
    }

    StandaloneServer server() {
        return server;
    }

    int tcpPort() {
        return server.comet().tcpAddress().getPort();
    }

    int wsPort() {
        return server.comet().wsAddress().getPort();
    }

    int tcpTlsPort() {
        return server.comet().tcpTlsAddress().getPort();
    }

    int wssPort() {
        return server.comet().wssAddress().getPort();
    }

    /** logic's HTTP API (goim's push routes). */
    URI http() {
        return URI.create("http://127.0.0.1:" + server.logic().httpAddress().getPort());
    }

    /** Authenticated sessions open on the comet. */
    int sessionCount() {
        return server.comet().sessionCount();
    }

    /** Tokens logic accepted since start (re-auths and warm-up sessions included). */
    long authCount() {
        return (long) server.meters().find("jgoim.logic.sessions.connected").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Messages job has handed to the comet in room batches since start. */
    long roomMessagesDispatched() {
        return (long) server.meters().find("jgoim.job.batch.messages").summaries().stream()
                .mapToDouble(DistributionSummary::totalAmount).sum();
    }

    /** The members {@code midBase .. midBase + count - 1}, as the load tool numbers its sessions. */
    static List<Long> mids(long midBase, int count) {
        return LongStream.range(midBase, midBase + count).boxed().toList();
    }

    /** The comet's open sessions of {@code mids}. */
    private List<Session> sessions(List<Long> mids) {
        Map<String, String> routes = server.sessions().keysByMids(mids).orTimeout(5, TimeUnit.SECONDS).join();
        List<Session> out = new ArrayList<>();
        for (String key : routes.keySet()) {
            Session s = server.comet().index().session(key);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The client addresses the open sessions of {@code mids} came from. */
    Set<String> remoteHosts(List<Long> mids) {
        Set<String> hosts = new TreeSet<>();
        for (Session s : sessions(mids)) {
            if (s.channel().remoteAddress() instanceof InetSocketAddress a) {
                hosts.add(a.getAddress().getHostAddress());
            }
        }
        return hosts;
    }

    /** Closes the sessions of {@code mids} the comet's way: a goodbye carrying {@code code}, then the close. */
    void closeAll(List<Long> mids, CloseCode code) {
        sessions(mids).forEach(s -> s.close(code));
    }

    /**
     * Drops the sessions of {@code mids} with no goodbye (a crashed host, a cut link): each socket is closed from the
     * head of its pipeline, below the WebSocket handler that would send a close frame.
     */
    void dropAll(List<Long> mids) {
        sessions(mids).forEach(s -> s.channel().pipeline().firstContext().close());
    }

    @Override
    public void close() {
        server.close();
    }
}
