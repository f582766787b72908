package io.jgoim.server;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientBuilder;
import io.jgoim.client.Transport;
import io.jgoim.testkit.FreePorts;
import io.netty.channel.EventLoopGroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A standalone server for an IT — every listener on a free port, what the test needs added under {@code comet:},
 * {@code logic:} and {@code job:} — and the SDK clients the test opens on it, closed together with the server. The
 * server may be restarted from the same file ({@link #restart}); its clients stay. Per test class
 * ({@code @BeforeAll} / {@code @AfterAll}) or per test ({@code @BeforeEach} / {@code @AfterEach}).
 */
public final class StandaloneWithClients implements AutoCloseable {
    private final Path config;
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
    private final List<JgoimClient> clients = new CopyOnWriteArrayList<>();
    private StandaloneServer server;

    private StandaloneWithClients(Path config) {
        this.config = config;
    }

    /** The standalone.yaml to write in {@code dir}: add lines, then {@link Setup#start}. */
    public static Setup in(Path dir) {
        return new Setup(dir);
    }

    /** The file's sections: each line given is indented by two spaces under its section. */
    public static final class Setup {
        private final Path dir;
        private int tcpPort;
        private int wsPort;
        private final List<String> comet = new ArrayList<>();
        private final List<String> logic = new ArrayList<>();
        private final List<String> job = new ArrayList<>();

        private Setup(Path dir) {
            this.dir = dir;
        }

        public Setup comet(String... lines) {
            comet.addAll(List.of(lines));
            return this;
        }

        public Setup logic(String... lines) {
            logic.addAll(List.of(lines));
            return this;
        }

        public Setup job(String... lines) {
            job.addAll(List.of(lines));
            return this;
        }

        /**
         * TCP and WebSocket on ports from {@link FreePorts} instead of 0, so that
         * {@link StandaloneWithClients#restart} binds the same ones again and the clients reconnect to them.
         */
        public Setup fixedPorts() {
            tcpPort = FreePorts.next();
            wsPort = FreePorts.next();
            return this;
        }

        /** Writes the file and starts the server from it. */
        public StandaloneWithClients start() throws Exception {
            List<String> yaml = new ArrayList<>();
            // WSS is off in standalone; port 0 keeps a test that turns it on off the default 3103.
            section(yaml, "comet:", List.of("tcp: {port: " + tcpPort + "}", "webSocket: {port: " + wsPort + "}",
                    "wss: {port: 0}"), comet);
            section(yaml, "logic:", List.of("http: {port: 0}"), logic);
            section(yaml, "job:", List.of(), job);
            yaml.add("");
            Path cfg = dir.resolve("standalone.yaml");
            Files.writeString(cfg, String.join("\n", yaml));
            StandaloneWithClients s = new StandaloneWithClients(cfg);
            try {
                s.server = s.startServer();
            } catch (RuntimeException e) {
                s.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw e;
            }
            return s;
        }

        private static void section(List<String> yaml, String header, List<String> base, List<String> added) {
            if (base.isEmpty() && added.isEmpty()) {
                return;
            }
            yaml.add(header);
            for (List<String> lines : List.of(base, added)) {
                lines.forEach(line -> yaml.add("  " + line));
            }
        }
    }

    private StandaloneServer startServer() {
        StandaloneServer s = StandaloneServer.load(config, Map.of());
        s.start();
        return s;
    }

    public StandaloneServer server() {
        return server;
    }

    /** Logic's HTTP API, {@code http://127.0.0.1:port}. */
    public String api() {
        return "http://127.0.0.1:" + server.logic().httpAddress().getPort();
    }

    public int tcpPort() {
        return server.comet().tcpAddress().getPort();
    }

    public int wsPort() {
        return server.comet().wsAddress().getPort();
    }

    /**
     * Closes the server, runs {@code whileDown} (a wait for the clients to see it gone), and starts a new one from
     * the same file: a new epoch for every stream, the same TCP and WebSocket ports with {@link Setup#fixedPorts}.
     */
    public void restart(Runnable whileDown) {
        server.close();
        whileDown.run();
        server = startServer();
    }

    /**
     * A client builder for {@code transport}'s listener on the shared event loop, with no reconnect and a listener
     * that ignores everything; {@link #open} builds and tracks it.
     */
    public JgoimClientBuilder client(Transport transport) {
        int port = transport == Transport.TCP ? tcpPort() : wsPort();
        return JgoimClient.builder().host("127.0.0.1").port(port).transport(transport).reconnect(false)
                .group(group).listener(new ClientListener() { });
    }

    /** Builds the client, to be closed with the fixture (not connected yet). */
    public JgoimClient open(JgoimClientBuilder builder) {
        JgoimClient c = builder.build();
        clients.add(c);
        return c;
    }

    /** Builds the client and connects it, waiting at most 10 s. */
    public JgoimClient connect(JgoimClientBuilder builder) throws Exception {
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
