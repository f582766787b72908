package io.jgoim.server;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Publication;
import io.jgoim.client.Transport;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code jgoim client}: connects one session, authenticates, heartbeats and prints every push it receives, one line
 * each: time, op, body. The README uses it to show a curl push arriving.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Connect one client session and print each push it receives.")
final class ClientCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "comet host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", description = "comet port (default: 3101 for tcp, 3102 for ws, 3103 for wss)")
    Integer port;

    @Option(names = "--transport", defaultValue = "tcp", description = "tcp, tls (TCP over TLS), ws or wss (default: ${DEFAULT-VALUE})")
    String transport;

    @Option(names = "--token", description = "the auth token as sent (goim JSON or a JWT); overrides --mid/--room")
    String token;

    @Option(names = "--mid", defaultValue = "1", description = "member id for a goim JSON token (default: ${DEFAULT-VALUE})")
    long mid;

    @Option(names = "--key", defaultValue = "", description = "session key; empty = the server picks one")
    String key;

    @Option(names = "--room", defaultValue = "live://1000", description = "room id (default: ${DEFAULT-VALUE})")
    String room;

    @Option(names = "--platform", defaultValue = "cli", description = "platform (default: ${DEFAULT-VALUE})")
    String platform;

    @Option(names = "--accepts", split = ",", defaultValue = "1000,1001,1002",
            description = "ops to watch (default: ${DEFAULT-VALUE})")
    int[] accepts;

    @Option(names = "--heartbeat", defaultValue = "30s", description = "heartbeat interval (default: ${DEFAULT-VALUE})")
    String heartbeat;

    @Option(names = "--count", defaultValue = "0", description = "exit after this many pushes (0 = run until killed)")
    int count;

    @Option(names = "--positions", description = "ask for stream positions (auth ver 3): each push is printed with its "
            + "stream and position, and after a reconnect the client resumes and prints whether it recovered")
    boolean positions;

    @Option(names = "--last", defaultValue = "0",
            description = "with --positions: print the last N messages of --room after connecting (a late joiner)")
    int last;

    @Option(names = "--addresses", split = ",", description = "more comets to fail over to, host:port each "
            + "(tried after --host/--port and after a draining comet's hints)")
    java.util.List<String> addresses;

    @Option(names = "--nodes", description = "logic's node list to fail over with, e.g. "
            + "http://127.0.0.1:3111/goim/nodes/weighted (its nodes are tried before --host/--addresses)")
    String nodes;

    @Option(names = "--connect-attempts", defaultValue = "0",
            description = "first-connect attempts before giving up, with backoff (0 = until connected)")
    int connectAttempts;

    @Option(names = "--config", description = "accepted for symmetry with the node commands; the client has no file")
    String config;

    @Override
    public Integer call() throws Exception {
        Transport t = parseTransport(transport);
        int p = port != null ? port : (t == Transport.TCP ? 3101 : t == Transport.WEBSOCKET ? 3102 : 3103);
        PrintStream out = System.out;
        CountDownLatch done = new CountDownLatch(count > 0 ? count : 1);
        // Closes before the first connect succeeded are FirstConnect's to report; they must not end the run.
        java.util.concurrent.atomic.AtomicBoolean connected = new java.util.concurrent.atomic.AtomicBoolean();
        EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
        var b = JgoimClient.builder()
                .host(host).port(p).transport(t)
                .heartbeatInterval(Duration.ofMillis(io.jgoim.common.config.ConfigLoader.parseDuration(heartbeat)
                        .toMillis()))
                .group(group)
                // FirstConnect retries the first connect itself, one printed line per attempt
                .firstConnectTimeout(Duration.ZERO)
                .listener(new ClientListener() {
                    @Override
                    public void onPush(JgoimClient c, int op, int seq, ByteBuf body) {
                        out.printf("%s push op=%d %s%n", LocalTime.now(), op, body.toString(StandardCharsets.UTF_8));
                        out.flush();
                        if (count > 0) {
                            done.countDown();
                        }
                    }

                    @Override
                    public void onPublication(JgoimClient c, String stream, long epoch, long offset, int op,
                                              ByteBuf body) {
                        out.printf("%s push op=%d %s@%d/%d %s%n", LocalTime.now(), op, stream, epoch, offset,
                                body.toString(StandardCharsets.UTF_8));
                        out.flush();
                        if (count > 0) {
                            done.countDown();
                        }
                    }

                    @Override
                    public void onStreamState(JgoimClient c, StreamState s) {
                        String what = s.recovered() ? "recovered everything missed"
                                : s.code() == 0 ? "at its latest position"
                                : "NOT recovered: " + ErrorCode.of(s.code()) + " (reload this stream's state)";
                        out.printf("%s stream %s@%d/%d %s%n", LocalTime.now(), s.stream(), s.epoch(), s.offset(),
                                what);
                        out.flush();
                    }

                    @Override
                    public void onClose(JgoimClient c, CloseStatus status, boolean willReconnect) {
                        if (!connected.get()) {
                            return;
                        }
                        out.printf("%s closed code=%d %s%s%n", LocalTime.now(), status.code(), status.reason(),
                                willReconnect ? " (reconnecting)" : "");
                        if (!willReconnect) {
                            while (done.getCount() > 0) {
                                done.countDown();
                            }
                        }
                    }
                });
        if (t == Transport.WEBSOCKET_TLS || t == Transport.TCP_TLS) {
            // The CLI is a diagnostic tool: it trusts the comet's certificate (standalone uses a self-signed one).
            SslContext ssl = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            b.sslContext(ssl);
        }
        if (positions) {
            b.extended(true).positions(true);
        }
        if (token != null) {
            b.token(token);
        } else {
            b.goimToken(mid, key, room, platform, accepts);
        }
        if (addresses != null && !addresses.isEmpty()) {
            java.util.List<String> all = new java.util.ArrayList<>();
            all.add(host + ":" + p);
            all.addAll(addresses);
            b.addresses(all);
        }
        if (nodes != null) {
            b.nodesUrl(nodes);
        }
        JgoimClient first = new FirstConnect(Duration.ofSeconds(1), Duration.ofSeconds(30), connectAttempts, out)
                .connect(b::build);
        if (first == null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return 1;
        }
        connected.set(true);
        try (JgoimClient client = first) {
            out.printf("%s connected %s://%s:%d%s; waiting for pushes%n", LocalTime.now(), transport, host, p,
                    token == null ? " as mid " + mid + " in " + room : "");
            out.flush();
            if (positions && last > 0) {
                for (Publication m : client.recent(room, last).get(15, TimeUnit.SECONDS)) {
                    out.printf("%s recent op=%d %s@%d/%d %s%n", LocalTime.now(), m.op(), m.stream(), m.epoch(),
                            m.offset(), m.bodyAsString());
                }
                out.flush();
            }
            done.await();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        return 0;
    }

    private static Transport parseTransport(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "tcp":
                return Transport.TCP;
            case "ws":
            case "websocket":
                return Transport.WEBSOCKET;
            case "wss":
                return Transport.WEBSOCKET_TLS;
            case "tls":
            case "tcps":
                return Transport.TCP_TLS;
            default:
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ClientCommand()),
                        "--transport must be tcp, ws, wss or tls: " + s);
        }
    }
}
