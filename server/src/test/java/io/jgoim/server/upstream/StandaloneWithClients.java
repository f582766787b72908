package io.jgoim.server.upstream;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientBuilder;
import io.jgoim.client.Transport;
import io.jgoim.server.StandaloneServer;
import io.netty.channel.EventLoopGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The standalone server the upstream and connect-proxy ITs run against — every listener on a free port, what a test
 * needs added under {@code logic:} — and the SDK clients the test opens on it, closed together with the server.
 * One per test class ({@code @BeforeAll} / {@code @AfterAll}).
 */
final class StandaloneWithClients implements AutoCloseable {
    private final StandaloneServer server;
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
    private final List<JgoimClient> clients = new CopyOnWriteArrayList<>();

    private StandaloneWithClients(StandaloneServer server) {
        this.server = server;
    }

    /** Starts a standalone whose {@code logic:} section holds {@code logicLines} (indented by two spaces each). */
    static StandaloneWithClients start(Path dir, String... logicLines) throws Exception {
        List<String> yaml = new ArrayList<>(List.of("comet:", "  tcp: {port: 0}", "  webSocket: {port: 0}",
                "logic:", "  http: {port: 0}"));
        for (String line : logicLines) {
            yaml.add("  " + line);
        }
        yaml.add("");
        Path cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n", yaml));
        StandaloneServer server = StandaloneServer.load(cfg, Map.of());
        server.start();
        return new StandaloneWithClients(server);
    }

    StandaloneServer server() {
        return server;
    }

    /**
     * A client builder for {@code transport}'s listener on the shared event loop, with no reconnect and a listener
     * that ignores everything; {@link #open} builds and tracks it.
     */
    JgoimClientBuilder client(Transport transport) {
        int port = transport == Transport.TCP ? server.comet().tcpAddress().getPort()
                : server.comet().wsAddress().getPort();
        return JgoimClient.builder().host("127.0.0.1").port(port).transport(transport).reconnect(false)
                .group(group).listener(new ClientListener() { });
    }

    /** Builds the client, to be closed with the fixture (not connected yet). */
    JgoimClient open(JgoimClientBuilder builder) {
        JgoimClient c = builder.build();
        clients.add(c);
        return c;
    }

    /** Builds the client and connects it, waiting at most 10 s. */
    JgoimClient connect(JgoimClientBuilder builder) throws Exception {
        JgoimClient c = open(builder);
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public void close() {
        clients.forEach(JgoimClient::close);
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
