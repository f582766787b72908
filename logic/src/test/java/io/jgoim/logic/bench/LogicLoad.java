package io.jgoim.logic.bench;

import com.google.protobuf.ByteString;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.PushPublisher;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.testkit.KafkaBroker;
import io.jgoim.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded load for logic's figures (not a test; run by hand, see logic/BENCHMARKS.md):
 * <pre>
 *   LogicLoad standalone SECONDS CONNECTIONS WINDOW   push API (keys) -> in-memory directory -> no-op bus
 *   LogicLoad kafka      SECONDS CONNECTIONS WINDOW   push API (keys) -> in-memory directory -> real Kafka (acks=all)
 *   LogicLoad connect    SECONDS WINDOW               Connect+Disconnect through LocalLogicService -> real Redis
 * </pre>
 * The HTTP load generator is a pipelining keep-alive client on blocking sockets (one thread per connection, WINDOW
 * requests in flight); it reports its own CPU time beside the figure.
 */
public final class LogicLoad {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private LogicLoad() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int seconds = Integer.parseInt(args[1]);
        if ("connect".equals(mode)) {
            connect(seconds, Integer.parseInt(args[2]));
        } else {
            push("kafka".equals(mode), seconds, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        }
        System.exit(0);
    }

    private static void push(boolean kafka, int seconds, int connections, int window) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false",
                "JGOIM_HTTP_IO_THREADS", "1"));
        KafkaBroker broker = null;
        PushPublisher bus = (key, msg) -> CompletableFuture.completedFuture(null);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (kafka) {
            broker = KafkaBroker.start();
            broker.createTopics(4, "goim-push-topic");
            env.put("JGOIM_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        }
        LogicConfig config = LogicConfig.load(null, env);
        if (kafka) {
            bus = new KafkaPushPublisher(config.kafka(), "bench", registry);
        }
        InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofHours(1));
        for (int i = 0; i < 100; i++) {
            directory.addSession(i, "key-" + i, "comet-" + (i % 4)).join();
        }
        try (LogicServer logic = new LogicServer(config, directory, bus, new InMemoryNodeRegistry(), registry)) {
            logic.start();
            int port = logic.httpAddress().getPort();
            run(port, connections, window, 2, false); // warm-up
            Result r = run(port, connections, window, seconds, true);
            System.out.printf("%s: %d pushes accepted in %d s = %.0f pushes/s; latency p50 %.2f ms p99 %.2f ms "
                    + "p99.9 %.2f ms; errors %d; load generator CPU %.0f%% of one core, process CPU %.0f%%%n",
                    kafka ? "push API -> Kafka" : "push API standalone", r.ok, seconds, r.ok / (double) seconds,
                    r.p(0.50), r.p(0.99), r.p(0.999), r.errors, r.generatorCpu * 100, r.processCpu * 100);
        } finally {
            bus.close();
            if (broker != null) {
                broker.close();
            }
        }
    }

    private record Result(long ok, long errors, long[] latenciesNanos, double generatorCpu, double processCpu) {
        double p(double q) {
            if (latenciesNanos.length == 0) {
                return 0;
            }
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, q * latenciesNanos.length)] / 1e6;
        }
    }

    private static Result run(int port, int connections, int window, int seconds, boolean measure)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> lat = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[] cpu = new long[connections];
        long processStart = processCpu();
        long wallStart = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int idx = c;
            long[] samples = new long[4_000_000 / connections];
            lat.add(samples);
            Thread t = new Thread(() -> {
                try {
                    long n = client(port, window, end, samples, ok, errors, idx);
                    samples[samples.length - 1] = n; // count stored in the last slot
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                cpu[idx] = THREADS.getCurrentThreadCpuTime();
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double wall = System.nanoTime() - wallStart;
        double generator = Arrays.stream(cpu).sum() / wall;
        double process = (processCpu() - processStart) / wall;
        int total = 0;
        for (long[] s : lat) {
            total += (int) Math.min(s[s.length - 1], s.length - 1);
        }
        long[] all = new long[total];
        int pos = 0;
        for (long[] s : lat) {
            int n = (int) Math.min(s[s.length - 1], s.length - 1);
            System.arraycopy(s, 0, all, pos, n);
            pos += n;
        }
        Arrays.sort(all);
        return new Result(ok.get(), errors.get(), all, generator, process);
    }

    private static long client(int port, int window, long end, long[] samples, AtomicLong ok, AtomicLong errors,
                               int idx) throws IOException {
        String body = "{\"msg\":\"hello jgoim, this is a push\"}";
        byte[] req = ("POST /goim/push/keys?operation=1000&keys=key-" + (idx % 100) + ",key-" + ((idx + 50) % 100)
                + " HTTP/1.1\r\nHost: bench\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
        long[] sent = new long[window];
        int head = 0;
        int tail = 0;
        long n = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            for (int i = 0; i < window; i++) {
                sent[tail++ % window] = System.nanoTime();
                out.write(req);
            }
            out.flush();
            int outstanding = window;
            while (outstanding > 0) {
                boolean success = readResponse(in);
                long now = System.nanoTime();
                long latency = now - sent[head++ % window];
                outstanding--;
                if (success) {
                    ok.incrementAndGet();
                    if (n < samples.length - 1) {
                        samples[(int) n] = latency;
                    }
                    n++;
                } else {
                    errors.incrementAndGet();
                }
                if (now < end) {
                    sent[tail++ % window] = now;
                    out.write(req);
                    outstanding++;
                    if (in.available() == 0) {
                        out.flush();
                    }
                } else {
                    out.flush();
                }
            }
        }
        return n;
    }

    /** Reads one response; true on HTTP 200. */
    private static boolean readResponse(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        in.skipNBytes(length);
        return status.startsWith("HTTP/1.1 200");
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static void connect(int seconds, int window) throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_ENABLED", "false",
                    "JGOIM_GRPC_ENABLED", "false", "JGOIM_REDIS_URIS", redisServer.uri()));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (RedisClients redis = RedisClients.connect(config.redis().uris(), false,
                    config.redis().commandTimeout(), config.redis().requestQueueSize())) {
                SessionDirectory directory = new RedisSessionDirectory(redis, config.redis().sessionTtl(), registry);
                PushPublisher none = (k, m) -> CompletableFuture.completedFuture(null);
                try (LogicServer logic = new LogicServer(config, directory, none, new InMemoryNodeRegistry(),
                        registry)) {
                    logic.start();
                    LogicService service = logic.service();
                    connectLoop(service, 2, window); // warm-up
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long processStart = processCpu();
                    long start = System.nanoTime();
                    long pairs = connectLoop(service, seconds, window);
                    double wall = System.nanoTime() - start;
                    System.out.printf("Connect+Disconnect via Redis: %d pairs in %d s = %.0f pairs/s (window %d); "
                            + "caller thread CPU %.0f%% of one core, process CPU %.0f%%%n", pairs, seconds,
                            pairs / (double) seconds, window, (THREADS.getCurrentThreadCpuTime() - cpuStart) / wall
                            * 100, (processCpu() - processStart) / wall * 100);
                }
            }
        }
    }

    private static long connectLoop(LogicService service, int seconds, int window) throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long i = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long mid = i++ % 100_000;
            String key = "bench-" + mid;
            ConnectReq req = ConnectReq.newBuilder().setServer("comet-a").setToken(ByteString.copyFromUtf8(
                    "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"live://1\"}")).build();
            service.connect(req)
                    .thenCompose(r -> service.disconnect(DisconnectReq.newBuilder().setMid(mid).setKey(key)
                            .setServer("comet-a").build()))
                    .whenComplete((r, e) -> {
                        if (e == null) {
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(window);
        if (failed.get() > 0) {
            System.out.println("failed pairs: " + failed.get());
        }
        return done.get();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

}
