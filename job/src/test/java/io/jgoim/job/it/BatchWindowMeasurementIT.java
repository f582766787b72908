package io.jgoim.job.it;

import com.google.protobuf.UnsafeByteOperations;
import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.comet.CometServer;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The measurement behind batch.window and batch.size (not part of the suite): one real comet in-process, N TCP
 * sessions in one room, room messages published through the in-process bus at a fixed rate, and the latency from
 * publish to each client's read, per batching window. Run with
 * {@code mvn -pl job verify -Dit.test=BatchWindowMeasurementIT -Djgoim.measure=true [-Djgoim.measure.sessions=N]}.
 */
@EnabledIfSystemProperty(named = "jgoim.measure", matches = "true")
class BatchWindowMeasurementIT {
    private static final int BUCKET_MICROS = 100;
    private static final int BUCKETS = 50_000;

    @Test
    void measureRoomLatencyPerBatchWindow() throws Exception {
        int sessions = Integer.getInteger("jgoim.measure.sessions", 5_000);
        int seconds = Integer.getInteger("jgoim.measure.seconds", 5);
        String[] windows = System.getProperty("jgoim.measure.windows", "5ms,20ms,50ms,100ms").split(",");
        int[] rates = {20, 100};
        InMemorySessionDirectory dir = new InMemorySessionDirectory(Duration.ofMinutes(5));
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LogicTwin logic = LogicTwin.over(dir);
        CometServer comet = new CometServer(RealCometFixture.cometConfig("m", false), logic, new InMemoryNodeRegistry(),
                meters);
        comet.start();
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicLongArray histogram = new AtomicLongArray(BUCKETS + 1);
        AtomicLong received = new AtomicLong();
        ClientListener sink = new ClientListener() {
            @Override
            public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                if (op < Op.BUSINESS_MIN) {
                    return;
                }
                long sent = body.getLong(body.readerIndex());
                long micros = (System.nanoTime() - sent) / 1000;
                histogram.incrementAndGet((int) Math.min(BUCKETS, micros / BUCKET_MICROS));
                received.incrementAndGet();
            }
        };
        List<JgoimClient> room = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                room.add(PushRecorder.connect(clients, comet.tcpAddress(), i + 1, "m" + i, "live://m", sink));
            }
            System.out.printf("%n%d sessions in live://m on one comet (%d CPUs)%n", sessions,
                    Runtime.getRuntime().availableProcessors());
            run(comet, meters, "20ms", 20, 2, sessions, histogram, received, false); // JIT warm-up, not reported
            System.out.println("| window | size | msgs/s | sessions | p50 ms | p99 ms | p999 ms | max ms "
                    + "| delivered/s | room calls/s |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (int rate : rates) {
                for (String window : windows) {
                    run(comet, meters, window.trim(), rate, seconds, sessions, histogram, received, true);
                }
            }
        } finally {
            room.forEach(JgoimClient::close);
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            comet.close();
            logic.close();
        }
    }

    private static void run(CometServer comet, PrometheusMeterRegistry meters, String window, int rate, int seconds,
                            int sessions, AtomicLongArray histogram, AtomicLong received, boolean report)
            throws Exception {
        JobConfig cfg = TestConfigs.config("JGOIM_BATCH_WINDOW", window, "JGOIM_BATCH_SIZE", "64",
                "JGOIM_COMET_FILTER_ROOMS", "false");
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("m", comet.pushService());
        PrometheusMeterRegistry jobMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (JobServer job = new JobServer(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)), jobMeters)) {
            job.start();
            for (int i = 0; i < histogram.length(); i++) {
                histogram.set(i, 0);
            }
            received.set(0);
            long interval = 1_000_000_000L / rate;
            int total = rate * seconds;
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] body = new byte[64];
                ByteBuffer.wrap(body).putLong(System.nanoTime());
                job.pushBus().publish("live://m", PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000)
                        .setRoom("live://m").setMsg(UnsafeByteOperations.unsafeWrap(body)).build());
            }
            long expected = (long) total * sessions;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (!report) {
                return;
            }
            double calls = jobMeters.get("jgoim.job.comet.calls").tags("comet", "m", "type", "room").counter().count();
            System.out.printf("| %s | 64 | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f |%s%n", window, rate,
                    sessions, pct(histogram, 0.5), pct(histogram, 0.99), pct(histogram, 0.999), pct(histogram, 1.0),
                    received.get() / elapsed, calls / seconds,
                    received.get() < expected ? " LOST " + (expected - received.get()) : "");
        }
    }

    private static double pct(AtomicLongArray h, double q) {
        long total = 0;
        for (int i = 0; i < h.length(); i++) {
            total += h.get(i);
        }
        long want = (long) Math.ceil(total * q);
        long seen = 0;
        for (int i = 0; i < h.length(); i++) {
            seen += h.get(i);
            if (seen >= want && want > 0) {
                return (i + 1) * BUCKET_MICROS / 1000.0;
            }
        }
        return 0;
    }
}
