import com.sun.net.httpserver.HttpServer;
import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.server.StandaloneServer;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Upstream proxy throughput and latency (issue 18): SDK clients (TCP) send op-2000 upstream messages at a fixed total
 * rate (open loop) to a standalone server whose http route POSTs each to a local backend (the JDK's HttpServer,
 * answering a 16-byte JSON); latency = from the intended send time to the client's reply (coordinated-omission
 * corrected), in an HdrHistogram. Usage: java -cp server/target/jgoim.jar UpstreamProxyBench.java [rate] [seconds]
 * [clients]. Everything in one JVM on loopback: the backend and clients share the CPU with the server.
 */
public class UpstreamProxyBench {
    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int clientsN = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        byte[] answer = "{\"ok\":true,\"n\":1}".getBytes(StandardCharsets.UTF_8);
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        backend.setExecutor(Executors.newFixedThreadPool(4));
        backend.createContext("/up", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(answer);
            }
        });
        backend.start();
        Path cfg = Files.createTempFile("upstream-bench", ".yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:", "  tcp: {port: 0}", "  webSocket: {port: 0}",
                "  protocol: {maxInflightUpstream: 64}",
                // The bench's sessions send rate/clients upstream messages a second each (100 at the defaults):
                // above the per-session default of 50, so the limit is set here, as the scenarios do.
                "  limits: {upstreamRate: 0}",
                "logic:", "  http: {port: 0}",
                "  upstream:", "    routes:",
                "      - {ops: \"2000\", kind: http, url: \"http://127.0.0.1:" + backend.getAddress().getPort() + "/up\"}",
                "logging: {level: WARN}", ""));
        StandaloneServer server = StandaloneServer.load(cfg, Map.of());
        server.start();
        EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
        List<JgoimClient> clients = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(server.comet().tcpAddress().getPort())
                    .transport(Transport.TCP).goimToken(10_000 + i, "bench-" + i, "live://bench", "bench", 1000)
                    .reconnect(false).group(group).listener(new ClientListener() { }).build();
            c.connect().get(30, TimeUnit.SECONDS);
            clients.add(c);
        }
        byte[] body = "{\"action\":\"like\",\"target\":42}".getBytes(StandardCharsets.UTF_8);
        // Warm up at the same rate, then measure.
        run(clients, body, rate, 5, null);
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        long[] r = run(clients, body, rate, seconds, h);
        double secs = r[2] / 1e9;
        System.out.printf("upstream proxy: target %d msg/s, %d clients, %d s: sent %d, replies %d, errors %d, "
                        + "%.0f replies/s; latency ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f%n",
                rate, clientsN, seconds, r[3], r[0], r[1], r[0] / secs,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
        clients.forEach(JgoimClient::close);
        server.close();
        backend.stop(0);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** Sends at {@code rate}/s for {@code seconds}; returns {replies, errors, elapsed ns, sent}. */
    private static long[] run(List<JgoimClient> clients, byte[] body, int rate, int seconds, Histogram h)
            throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long total = (long) rate * seconds;
        long intervalNs = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + i * intervalNs;
            long now;
            while ((now = System.nanoTime()) < intended) {
                if (intended - now > 200_000) {
                    Thread.sleep(0, 100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            JgoimClient c = clients.get((int) (i % clients.size()));
            c.sendUpstream(2000, body).whenComplete((reply, e) -> {
                if (e != null) {
                    if (errors.incrementAndGet() == 1) {
                        System.out.println("first error: " + e);
                    }
                    return;
                }
                ok.incrementAndGet();
                if (h != null) {
                    synchronized (h) {
                        h.recordValue(Math.min(System.nanoTime() - intended, h.getHighestTrackableValue()));
                    }
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (ok.get() + errors.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return new long[] {ok.get(), errors.get(), System.nanoTime() - start, total};
    }
}
