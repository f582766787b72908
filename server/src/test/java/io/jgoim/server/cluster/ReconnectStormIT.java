package io.jgoim.server.cluster;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19, reconnect storm: 4,000 Java SDK clients (default full-jitter backoff, 1 s .. 30 s) hold sessions on one
 * comet of a real cluster (redis-server, Kafka, logic over gRPC); the comet is killed ({@link CometNode#kill()}: its
 * event loops and listeners stop at once, no goodbye, no Disconnect) and started again on the same ports 5 s later,
 * with the node's accept bucket set to 250 a second with a burst of 12. Asserted: at least 99 % of the clients are
 * back (authenticated) within 30 s of the restart; the restarted comet never accepted more than {@code rate x T +
 * burst} connections in any interval T between two of the test's 100 ms samples of its accept counter (the bucket
 * held); no 100 ms bucket of the comet's accepts from the restart to 99 % back above 3x their mean
 * ({@link AcceptSampler#smoothness}); every refusal the clients saw has a code of the reconnect range; the heap never
 * ran out. Recorded, not asserted (they depend on the machine): the time to 99 % and to 100 %, the 100 ms buckets of
 * authenticated reconnects as the clients saw them (max vs mean), attempts per 100 ms, refusals by close code and the
 * load average.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReconnectStormIT {
    private static final int CLIENTS = Integer.getInteger("jgoim.reconnect.clients", 4_000);
    /**
     * The node bucket. At 1,000 a second with a burst of 500 the SDK's jitter spread the returning clients below it
     * (at most 963 accepted in any second of the first run), so it was never exercised; at 500 with 250 the burst
     * spent itself in the first sample (140-163 accepts against a mean of ~22). The burst is a twentieth of the
     * rate: 48 ms of tolerance, which the test JVM's own scheduling stalls need (a burst of 10 at 500, 18 ms, refused
     * 8,303 connects that stalled client timers had bunched, and took 45 s to 99 %).
     *
     * <p>Why 250: a 100 ms bucket admits at most rate / 10 + burst, and the mean of the accepts from the restart to
     * 99 % back is 0.99 x clients over that time, so the "no bucket above 3x the mean" holds whatever the
     * machine does while 99 % are back within 3 x 0.99 x clients / (rate / 10 + burst) / 10 seconds: 32.1 s at 250
     * with 12, beyond the 30 s the test requires anyway, where 500 with 25 (the default before) gave 15.8 s, less
     * than the SDK's backoff tail alone, so the bound could only be printed. The price: 99 % cannot be back sooner
     * than 0.99 x clients / rate, 15.8 s (18.1 s measured on a quiet machine, 1.56x the mean at most).
     */
    private static final int ACCEPT_RATE = Integer.getInteger("jgoim.reconnect.acceptRate", 250);
    private static final int ACCEPT_BURST = Integer.getInteger("jgoim.reconnect.acceptBurst", 12);
    private static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int BUCKETS = 900; // 90 s after the kill

    private Cluster cluster;
    private EventLoopGroup group;
    private final List<JgoimClient> clients = new ArrayList<>();
    private ResourceLeakDetector.Level leakLevel;

    /** Sampled leak detection, as in RollingRestartIT: PARANOID's stack trace per buffer touch starves two cores. */
    @BeforeEach
    void sampledLeakDetection() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void stop() {
        ResourceLeakDetector.setLevel(leakLevel);
        for (JgoimClient c : clients) {
            c.closeAsync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldBringNinetyNinePercentBackWithinThirtySecondsAtTheAcceptRate(@TempDir Path dir) throws Exception {
        cluster = Cluster.start(dir, Cluster.Options.of(1, 0).cometYaml(
                // the node bucket is what this test exercises; the per-address limits are off (four 127.0.0.x
                // addresses carry 1,000 clients each), as are bans
                "limits: {acceptRate: " + ACCEPT_RATE + ", acceptBurst: " + ACCEPT_BURST
                        + ", maxConnectionsPerIp: 0, connectRatePerIp: 0, authFailuresPerIp: 0, upstreamRate: 0, "
                        + "minHeartbeatInterval: 0s}\n"));
        CometNode comet = cluster.comets().get(0);
        group = ClientTransports.newEventLoopGroup(2);
        Storm storm = new Storm();
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            sources.add(InetAddress.getByName("127.0.0." + i));
        }
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(JgoimClient.builder().host("127.0.0.1").port(comet.tcpPort()).transport(Transport.TCP)
                    .goimToken(50_000 + i, "storm-" + i, "live://storm-" + (i % 40), "test", 1000)
                    .heartbeatInterval(Duration.ofSeconds(60)).localAddress(sources.get(i % sources.size()))
                    .reconnect(true) // the SDK's default backoff: full jitter, 1 s .. 30 s
                    .group(group).listener(storm).build());
        }
        connectBelowTheBucket();
        assertThat(comet.server().sessionCount()).isEqualTo(CLIENTS);

        storm.start(System.nanoTime());
        cluster.killComet(comet.id());
        long killed = System.nanoTime();
        Thread.sleep(5_000);
        long restartAt = System.nanoTime();
        AcceptSampler sampler = new AcceptSampler(restartAt);
        CometNode back = cluster.restartComet(comet.id());
        sampler.start(back);
        long upMillis = (System.nanoTime() - restartAt) / 1_000_000;
        long ninetyNine = -1;
        long all = -1;
        int need = (int) Math.ceil(CLIENTS * 0.99);
        long until = restartAt + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && all < 0) {
            long n = connected();
            long now = System.nanoTime();
            if (ninetyNine < 0 && n >= need) {
                ninetyNine = now - restartAt;
            }
            if (n == CLIENTS) {
                all = now - restartAt;
            }
            Thread.sleep(100);
        }
        sampler.stop();
        long backCount = connected();
        Smoothness smooth = sampler.smoothness(ninetyNine < 0 ? -1 : restartAt + ninetyNine);

        Buckets admitted = storm.buckets(storm.authenticated, killed, restartAt);
        Buckets attempts = storm.buckets(storm.attempts, killed, restartAt);
        System.out.printf("ReconnectStormIT: %d clients, comet killed and restarted after 5 s (accept bucket %d/s, "
                        + "burst %d); 99%% back %s ms after the restart, all back %s ms (%d back at the end)%n",
                CLIENTS, ACCEPT_RATE, ACCEPT_BURST, ninetyNine < 0 ? "never" : ninetyNine / 1_000_000,
                all < 0 ? "never" : all / 1_000_000, backCount);
        System.out.printf("ReconnectStormIT: authenticated per 100 ms after the restart: %s%n", admitted);
        System.out.printf("ReconnectStormIT: connect attempts per 100 ms after the restart: %s%n", attempts);
        System.out.printf("ReconnectStormIT: authenticated per 100 ms: %s%n", admitted.series(120));
        System.out.printf("ReconnectStormIT: attempts per 100 ms: %s%n", attempts.series(120));
        System.out.printf("ReconnectStormIT: comet accepts per sample (~100 ms, after the first): %s%n",
                sampler.series(120));
        System.out.printf("ReconnectStormIT: comet accepts: first sample %d ms after the restart began (%d accepted "
                        + "by then), max %d in a later sample, max %d in 1 s, %d in all; refusals by close code %s; "
                        + "peak heap %d MiB; load %s%n", sampler.firstMillis(), sampler.firstCount(),
                sampler.maxPerSample(), sampler.maxPerSecond(), sampler.last(), storm.codes(), peakHeapMiB(),
                loadAverage());
        System.out.printf("ReconnectStormIT: comet up %d ms after the restart began; accepts from the restart to 99 %% "
                + "back: %s; max/mean <= 3 %s (bound holds while 99 %% is back within %.1f s)%n",
                upMillis, smooth, smooth.max() <= 3 * smooth.mean() ? "held" : "MISSED",
                3 * 0.99 * CLIENTS / (ACCEPT_RATE / 10.0 + ACCEPT_BURST) / 10);

        assertThat(ninetyNine).as("99 %% of %d clients back within 30 s of the restart (%s)", CLIENTS,
                describe()).isBetween(0L, TimeUnit.SECONDS.toNanos(30));
        assertThat(sampler.violations(ACCEPT_RATE, ACCEPT_BURST)).as("sampled intervals where the comet accepted "
                + "more than rate x T + burst").isEmpty();
        assertThat(smooth.max()).as("the comet's most accepts in a 100 ms bucket from the restart to 99 %% back, "
                + "against 3x their mean (%s)", smooth).isLessThanOrEqualTo(3 * smooth.mean());
        assertThat(storm.codes().keySet()).as("close codes the clients saw: reconnect range only (or abnormal)")
                .allMatch(c -> c == CloseStatus.ABNORMAL_CODE || (c >= 4000 && c < 4500));
        assertThat(storm.codes()).as("the accept bucket refused someone: the limit was exercised")
                .containsKey(4016);
        assertThat(storm.terminal.sum()).as("clients that gave up").isZero();
    }

    /**
     * Connects every client below the node's bucket, a twentieth of its rate (half of what it refills in 100 ms), at
     * most its burst, at a time, with twice the step's refill time (at least 40 ms) between steps, each step waiting
     * for the one before (a first connect the bucket refused would not be retried by the SDK, and connects held up by a
     * stalled event loop must not arrive together).
     */
    private void connectBelowTheBucket() throws Exception {
        int size = Math.max(1, Math.min(ACCEPT_RATE / 20, ACCEPT_BURST));
        long pauseMillis = Math.max(40, 2_000L * size / Math.max(1, ACCEPT_RATE));
        for (int from = 0; from < CLIENTS; from += size) {
            List<CompletableFuture<Void>> step = new ArrayList<>(size);
            for (int i = from; i < Math.min(CLIENTS, from + size); i++) {
                step.add(clients.get(i).connect());
            }
            CompletableFuture.allOf(step.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            Thread.sleep(pauseMillis);
        }
    }

    private long connected() {
        return clients.stream().filter(c -> c.state() == ClientState.CONNECTED).count();
    }

    private String describe() {
        Map<String, Long> by = new TreeMap<>();
        for (JgoimClient c : clients) {
            if (c.state() != ClientState.CONNECTED) {
                by.merge(c.state() + " after " + (c.lastClose() == null ? "-" : c.lastClose().code()), 1L, Long::sum);
            }
        }
        return by.toString();
    }

    /** What the clients hear during the storm, in 100 ms buckets from its start. */
    private static final class Storm implements ClientListener {
        final AtomicLongArray authenticated = new AtomicLongArray(BUCKETS);
        final AtomicLongArray attempts = new AtomicLongArray(BUCKETS);
        final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
        final LongAdder terminal = new LongAdder();
        volatile long start = -1;

        void start(long nanos) {
            start = nanos;
        }

        private void count(AtomicLongArray buckets) {
            long s = start;
            if (s < 0) {
                return;
            }
            int b = (int) ((System.nanoTime() - s) / BUCKET_NANOS);
            if (b >= 0 && b < BUCKETS) {
                buckets.incrementAndGet(b);
            }
        }

        @Override
        public void onConnected(JgoimClient client, String node) {
            count(authenticated);
        }

        @Override
        public void onStateChange(JgoimClient client, ClientState state) {
            if (state == ClientState.CONNECTING) {
                count(attempts);
            }
        }

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
            if (start < 0) {
                return;
            }
            closes.computeIfAbsent(status.code(), k -> new LongAdder()).increment();
            if (!willReconnect) {
                terminal.increment();
            }
        }

        Map<Integer, Long> codes() {
            Map<Integer, Long> out = new TreeMap<>();
            closes.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }

        /** The buckets from the restart on, up to the last non-empty one. */
        Buckets buckets(AtomicLongArray a, long stormStart, long restartAt) {
            int from = (int) Math.max(0, (restartAt - start) / BUCKET_NANOS);
            int to = from;
            for (int i = from; i < BUCKETS; i++) {
                if (a.get(i) > 0) {
                    to = i + 1;
                }
            }
            long[] out = new long[Math.max(0, to - from)];
            for (int i = from; i < to; i++) {
                out[i - from] = a.get(i);
            }
            return new Buckets(out);
        }
    }

    /** Counts per 100 ms bucket: max vs mean over the buckets from the first to the last non-empty one. */
    record Buckets(long[] counts) {
        String series(int max) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.min(max, counts.length); i++) {
                b.append(i == 0 ? "" : " ").append(counts[i]);
            }
            return b.toString();
        }

        @Override
        public String toString() {
            int first = 0;
            while (first < counts.length && counts[first] == 0) {
                first++;
            }
            long sum = 0;
            long max = 0;
            for (int i = first; i < counts.length; i++) {
                sum += counts[i];
                max = Math.max(max, counts[i]);
            }
            int n = counts.length - first;
            double mean = n == 0 ? 0 : sum / (double) n;
            return String.format("%d in %d buckets from %d ms after the restart, mean %.1f, max %d (%.2fx the mean)",
                    sum, n, first * 100, mean, max, mean == 0 ? 0 : max / mean);
        }
    }

    /** The comet's accepts over the storm's window: their mean and most per 100 ms bucket, and where that was. */
    record Smoothness(long accepts, long windowMillis, double mean, double max, long maxAtMillis) {
        @Override
        public String toString() {
            return String.format("%d in %d ms, mean %.1f per 100 ms, max %.1f (%.2fx the mean) in the bucket ending "
                    + "%d ms after the restart", accepts, windowMillis, mean, max, mean == 0 ? 0 : max / mean,
                    maxAtMillis);
        }
    }

    /** Samples the restarted comet's accept counter every 100 ms. */
    private static final class AcceptSampler {
        private final List<long[]> samples = new ArrayList<>(); // {nanoTime, accepts}
        private final Thread thread;
        private volatile CometNode comet;
        private volatile boolean running = true;

        AcceptSampler(long restartAt) {
            samples.add(new long[] {restartAt, 0});
            thread = new Thread(this::run, "accept-sampler");
            thread.setDaemon(true);
        }

        /** Takes the first sample at once (what the comet accepted while it started), then one every 100 ms. */
        void start(CometNode c) {
            comet = c;
            long accepts = (long) c.server().limits().meters().accepts();
            long now = System.nanoTime();
            synchronized (samples) {
                samples.add(new long[] {now, accepts});
            }
            thread.start();
        }

        /**
         * The comet's accepts from the restart to {@code until} (99 % back; -1: never, then to the last sample) in
         * 100 ms buckets: each sampled interval is one bucket, its count scaled to 100 ms when the sampler slept
         * longer (count x 100 ms / interval: a rate, as a stall of the sampler alone must not make a peak), except
         * the first, from the restart's start to the comet up, taken as counted however long the start took. The
         * mean is every accept up to the last sample at or past {@code until} over the whole time since the restart
         * began, in 100 ms units (the start's time included: the stricter mean).
         */
        Smoothness smoothness(long until) {
            synchronized (samples) {
                int last = samples.size() - 1;
                for (int i = 1; i < samples.size(); i++) {
                    if (until >= 0 && samples.get(i)[0] - until >= 0) {
                        last = i;
                        break;
                    }
                }
                long[] start = samples.get(0);
                double max = samples.size() < 2 ? 0 : samples.get(1)[1] - start[1];
                int at = 1;
                for (int i = 2; i <= last; i++) {
                    long[] a = samples.get(i - 1);
                    long[] b = samples.get(i);
                    double perBucket = (b[1] - a[1]) * BUCKET_NANOS / (double) Math.max(BUCKET_NANOS, b[0] - a[0]);
                    if (perBucket > max) {
                        max = perBucket;
                        at = i;
                    }
                }
                long[] end = samples.get(last);
                double buckets = (end[0] - start[0]) / (double) BUCKET_NANOS;
                double mean = buckets <= 0 ? 0 : (end[1] - start[1]) / buckets;
                return new Smoothness(end[1] - start[1], (end[0] - start[0]) / 1_000_000, mean, max,
                        (samples.get(at)[0] - start[0]) / 1_000_000);
            }
        }

        private void run() {
            while (running) {
                long accepts = (long) comet.server().limits().meters().accepts();
                long now = System.nanoTime();
                synchronized (samples) {
                    samples.add(new long[] {now, accepts});
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
        }

        /**
         * Pairs of samples (i before j) where more than {@code rate x (tj - ti) + burst} were accepted: a GCRA bucket
         * never allows that over any interval. The counter is read just before its timestamp is taken, so the
         * interval measured is at least the one the count covers; 2 more allow for rounding in the bucket.
         */
        List<String> violations(int rate, int burst) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                for (int j = i + 1; j < samples.size(); j++) {
                    long[] a = samples.get(i);
                    long[] b = samples.get(j);
                    double allowed = rate * ((b[0] - a[0]) / 1e9) + burst + 2;
                    if (b[1] - a[1] > allowed) {
                        out.add((b[1] - a[1]) + " accepts in " + (b[0] - a[0]) / 1_000_000 + " ms");
                    }
                }
            }
            return out;
        }

        String series(int max) {
            StringBuilder b = new StringBuilder();
            for (int i = 2; i < Math.min(max + 2, samples.size()); i++) {
                b.append(i == 2 ? "" : " ").append(samples.get(i)[1] - samples.get(i - 1)[1]);
            }
            return b.toString();
        }

        long firstMillis() {
            return samples.size() < 2 ? -1 : (samples.get(1)[0] - samples.get(0)[0]) / 1_000_000;
        }

        long firstCount() {
            return samples.size() < 2 ? 0 : samples.get(1)[1];
        }

        /** The most accepted between two consecutive samples, the first (from the restart's start) left out. */
        long maxPerSample() {
            long max = 0;
            for (int i = 2; i < samples.size(); i++) {
                max = Math.max(max, samples.get(i)[1] - samples.get(i - 1)[1]);
            }
            return max;
        }

        long maxPerSecond() {
            long max = 0;
            for (int i = 0; i < samples.size(); i++) {
                for (int j = i + 1; j < samples.size() && samples.get(j)[0] - samples.get(i)[0] <= 1_000_000_000L;
                     j++) {
                    max = Math.max(max, samples.get(j)[1] - samples.get(i)[1]);
                }
            }
            return max;
        }

        long last() {
            return samples.get(samples.size() - 1)[1];
        }
    }

    private static long peakHeapMiB() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
