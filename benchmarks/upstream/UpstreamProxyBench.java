import com.sun.net.httpserver.HttpServer;
import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Transport;
import io.jgoim.server.StandaloneServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.HdrHistogram.Histogram;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Upstream proxy throughput and latency (issue 18): SDK clients (TCP) send op-2000 upstream messages at a fixed total
 * rate (open loop) to a standalone server whose http route POSTs each to a local backend answering a 16-byte JSON:
 * a Netty HTTP server on one event-loop thread ({@code netty}, the default) or the JDK's HttpServer with 4 threads
 * ({@code jdk}, the backend this bench first had, kept to compare). Latency = from the intended send time to the
 * client's reply (coordinated-omission corrected), in an HdrHistogram; errors counted by code. The comet's upstream
 * rate limit is off (100 messages/s per session is over its default 50/s: the bench measures the proxy, not limits).
 * Usage: java -cp server/target/jgoim.jar UpstreamProxyBench.java [rate] [seconds] [clients] [netty|jdk]
 * [maxConnections]. Everything in one JVM on loopback: the backend and clients share the CPU with the server.
 */
public class UpstreamProxyBench {
    private static final byte[] ANSWER = "{\"ok\":true,\"n\":1}".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int clientsN = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        String backendKind = args.length > 3 ? args[3] : "netty";
        int maxConnections = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        String load0 = loadAverage();
        AutoCloseable backend;
        int backendPort;
        if (backendKind.equals("jdk")) {
            HttpServer jdk = jdkBackend();
            backendPort = jdk.getAddress().getPort();
            backend = () -> jdk.stop(0);
        } else {
            EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            Channel ch = nettyBackend(loops);
            backendPort = ((InetSocketAddress) ch.localAddress()).getPort();
            backend = () -> {
                ch.close().sync();
                loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            };
        }
        Path cfg = Files.createTempFile("upstream-bench", ".yaml");
        Files.writeString(cfg, String.join("\n",
                "comet:", "  tcp: {port: 0}", "  webSocket: {port: 0}",
                "  protocol: {maxInflightUpstream: 64}",
                "  limits: {upstreamRate: 0}",
                "logic:", "  http: {port: 0}",
                "  upstream:", "    routes:",
                "      - {ops: \"2000\", kind: http, url: \"http://127.0.0.1:" + backendPort + "/up\"}",
                "    http: {maxConnections: " + maxConnections + "}",
                "logging: {level: WARN}", ""));
        StandaloneServer server = StandaloneServer.load(cfg, Map.of());
        server.start();
        EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
        List<JgoimClient> clients = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(server.comet().tcpAddress().getPort())
                    .transport(Transport.TCP).goimToken(10_000 + i, "bench-" + i, "live://bench", "bench", 1000)
                    .extended(true).reconnect(false).group(group).listener(new ClientListener() { }).build();
            c.connect().get(30, TimeUnit.SECONDS);
            clients.add(c);
        }
        byte[] body = "{\"action\":\"like\",\"target\":42}".getBytes(StandardCharsets.UTF_8);
        // Warm up at the same rate, then measure.
        run(clients, body, rate, 5, null, new ConcurrentHashMap<>());
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        String load1 = loadAverage();
        long[] r = run(clients, body, rate, seconds, h, errors);
        double secs = r[2] / 1e9;
        System.out.printf(java.util.Locale.ROOT, "upstream proxy (%s backend, maxConnections %d): target %d msg/s, %d clients, %d s: "
                        + "sent %d, replies %d, errors %d %s, %.0f replies/s; latency ms p50 %.2f p90 %.2f p99 %.2f "
                        + "p99.9 %.2f max %.2f; load average %s (start) %s (measure) %s (end); %s %s%n",
                backendKind, maxConnections, rate, clientsN, seconds, r[3], r[0], r[1], new TreeMap<>(errors),
                r[0] / secs, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6,
                load0, load1, loadAverage(), System.getProperty("java.vm.name"), Runtime.version());
        // One machine-readable line for benchmarks/run.sh upstream (summarize.py).
        StringBuilder codes = new StringBuilder();
        new TreeMap<>(errors).forEach((k, v) -> codes.append(codes.length() == 0 ? "" : ",")
                .append('"').append(k).append("\":").append(v.sum()));
        System.out.printf(java.util.Locale.ROOT, "RESULT {\"backend\":\"%s\",\"maxConnections\":%d,\"rate\":%d,"
                        + "\"clients\":%d,\"seconds\":%d,\"sent\":%d,\"replies\":%d,\"errors\":%d,"
                        + "\"errorsByCode\":{%s},\"repliesPerSecond\":%.1f,\"latencyMs\":{\"p50\":%.3f,"
                        + "\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},\"loadAverage\":[\"%s\","
                        + "\"%s\",\"%s\"]}%n",
                backendKind, maxConnections, rate, clientsN, seconds, r[3], r[0], r[1], codes, r[0] / secs,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, load0, load1, loadAverage());
        clients.forEach(JgoimClient::close);
        server.close();
        backend.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static HttpServer jdkBackend() throws java.io.IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        backend.setExecutor(Executors.newFixedThreadPool(4));
        backend.createContext("/up", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, ANSWER.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(ANSWER);
            }
        });
        backend.start();
        return backend;
    }

    private static Channel nettyBackend(EventLoopGroup loops) throws InterruptedException {
        return new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, Unpooled.wrappedBuffer(ANSWER));
                                        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                                .setInt(HttpHeaderNames.CONTENT_LENGTH, ANSWER.length);
                                        HttpUtil.setKeepAlive(resp, HttpUtil.isKeepAlive(req));
                                        ctx.writeAndFlush(resp);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close(); // a reset: the proxy closed a connection it gave up on
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    /** Sends at {@code rate}/s for {@code seconds}; returns {replies, errors, elapsed ns, sent}. */
    private static long[] run(List<JgoimClient> clients, byte[] body, int rate, int seconds, Histogram h,
                              Map<String, LongAdder> byCode) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long total = (long) rate * seconds;
        long intervalNs = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + i * intervalNs;
            long now;
            // Park, never spin: on two cores a spinning sender takes the CPU the server needs. A late wake-up sends
            // every message that fell due at once; each is timed from its intended send time all the same.
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            JgoimClient c = clients.get((int) (i % clients.size()));
            c.sendUpstream(2000, body).whenComplete((reply, e) -> {
                if (e != null) {
                    if (errors.incrementAndGet() == 1) {
                        System.out.println("first error: " + e);
                    }
                    byCode.computeIfAbsent(codeOf(e), k -> new LongAdder()).increment();
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

    private static String codeOf(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof JgoimClientException j ? j.errorCode().name() : t.getClass().getSimpleName();
    }
}
