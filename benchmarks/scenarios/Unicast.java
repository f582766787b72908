import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.GoimToken;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code unicast} scenario's driver (the load tool has no end-to-end mids scenario): N TCP sessions with member
 * ids {@code midBase..midBase+N-1}, then pushes to one mid each through {@code POST /goim/push/mids} at a fixed rate,
 * open loop (push i is due at {@code i / rate} s; its body carries that due time), mids round robin. Every delivery is
 * timed receiver clock minus due time into an HdrHistogram (microseconds). Writes a JSON result.
 *
 * <p>Run as a single-file program against the dist jar:
 * {@code java -cp server/target/jgoim.jar benchmarks/scenarios/Unicast.java SESSIONS RATE SECONDS OUT.json}
 * ({@code -Dprewarm=5}: seconds of unmeasured pushes from publisher 0 first; the JSON adds per-second p99s).
 * Threading: publisher on the main thread, HTTP replies on the HttpClient's executor, deliveries on the client event
 * loops; the histograms are Recorders (wait-free writers) and the counters LongAdders.
 */
public final class Unicast {
    private static final int MAGIC = 0x4A474C54;

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args[0]);
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        String http = System.getProperty("http", "http://127.0.0.1:3111");
        int tcpPort = Integer.getInteger("tcpPort", 3101);
        long midBase = Long.getLong("midBase", 1_000_000L);
        int payload = Integer.getInteger("payload", 64);
        int sources = Integer.getInteger("sources", 2);
        int maxInFlight = Integer.getInteger("maxInFlight", 2000);
        // unmeasured pushes at the same rate first (publisher id 0), so the JIT of this JVM, of its HTTP client and of
        // the server has compiled the path before publisher 1's measured pushes
        int prewarmSeconds = Integer.getInteger("prewarm", 5);

        Recorder e2e = new Recorder(3);
        Recorder[] e2ePerSecond = new Recorder[seconds + 1];
        for (int i = 0; i < e2ePerSecond.length; i++) {
            e2ePerSecond[i] = new Recorder(3);
        }
        long[] measuredStartEpoch = {Long.MAX_VALUE};
        Recorder api = new Recorder(3);
        LongAdder delivered = new LongAdder();
        LongAdder accepted = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder overloaded = new LongAdder();
        EventLoopGroup group = ClientTransports.newEventLoopGroup(2);
        List<JgoimClient> clients = new ArrayList<>();
        ClientListener listener = new ClientListener() {
            @Override
            public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                if (body.readableBytes() >= 24 && body.getInt(body.readerIndex()) == MAGIC
                        && body.getInt(body.readerIndex() + 4) == 1) {
                    long due = body.getLong(body.readerIndex() + 16);
                    long us = Math.max(0, epochNanos() - due) / 1000;
                    e2e.recordValue(us);
                    int second = (int) Math.min(e2ePerSecond.length - 1,
                            Math.max(0, (due - measuredStartEpoch[0]) / 1_000_000_000L));
                    e2ePerSecond[second].recordValue(us);
                    delivered.increment();
                }
            }
        };
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(tcpPort).transport(Transport.TCP)
                    .token(GoimToken.json(midBase + i, "", "", "unicast", 1000))
                    .heartbeatInterval(Duration.ofSeconds(30)).reconnect(false).group(group)
                    .localAddress(InetAddress.getByName("127.0.0." + (2 + i % sources)))
                    .listener(listener).build();
            clients.add(c);
            connects.add(c.connect());
            if (i % 200 == 199) {
                CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).exceptionally(t -> null)
                        .get(30, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).exceptionally(t -> null)
                .get(60, TimeUnit.SECONDS);
        long connected = connects.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        System.out.printf("unicast: %d of %d sessions connected in %.1f s%n", connected, sessions,
                (System.nanoTime() - t0) / 1e9);

        HttpClient hc = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(maxInFlight);
        if (prewarmSeconds > 0) {
            publish(hc, inFlight, http, midBase, sessions, payload, rate, (long) (rate * prewarmSeconds), 0,
                    null, null, null, null);
            if (inFlight.tryAcquire(maxInFlight, 10, TimeUnit.SECONDS)) {
                inFlight.release(maxInFlight);
            }
            Thread.sleep(1000);
        }
        long total = (long) (rate * seconds);
        long start = System.nanoTime();
        long startEpoch = epochNanos();
        measuredStartEpoch[0] = startEpoch;
        publish(hc, inFlight, http, midBase, sessions, payload, rate, total, 1, accepted, failed, overloaded, api);
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        inFlight.tryAcquire(maxInFlight, 10, TimeUnit.SECONDS);
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (delivered.sum() < accepted.sum() && System.nanoTime() < graceEnd) {
            Thread.sleep(50);
        }
        Histogram h = e2e.getIntervalHistogram();
        Histogram a = api.getIntervalHistogram();
        StringBuilder perSecond = new StringBuilder("[");
        for (int i = 0; i < e2ePerSecond.length; i++) {
            Histogram ps = e2ePerSecond[i].getIntervalHistogram();
            perSecond.append(i == 0 ? "" : ",").append(ps.getTotalCount() == 0 ? "null"
                    : String.format(Locale.ROOT, "%.1f", ps.getValueAtPercentile(99) / 1000.0));
        }
        perSecond.append(']');
        String json = String.format(Locale.ROOT, "{\"scenario\":\"unicast\",\"sessions\":%d,\"connected\":%d,"
                        + "\"rate\":%.1f,\"seconds\":%d,\"prewarmSeconds\":%d,\"publishSeconds\":%.3f,"
                        + "\"payloadSize\":%d,"
                        + "\"sent\":%d,\"accepted\":%d,\"failed\":%d,\"overloaded\":%d,\"delivered\":%d,\"lost\":%d,"
                        + "\"e2eUs\":%s,\"apiUs\":%s,\"perSecondE2eP99Ms\":%s}%n",
                sessions, connected, rate, seconds, prewarmSeconds, publishSeconds, payload, total - overloaded.sum(),
                accepted.sum(), failed.sum(), overloaded.sum(), delivered.sum(),
                accepted.sum() - delivered.sum(), summary(h), summary(a), perSecond);
        Files.writeString(out, json);
        System.out.print(json);
        for (JgoimClient c : clients) {
            c.closeAsync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        System.exit(0);
    }

    /**
     * Sends {@code total} pushes at {@code rate}, open loop, to mids round robin, bodies from {@code publisher}; the
     * counters and histogram may be null (warm-up).
     */
    private static void publish(HttpClient hc, Semaphore inFlight, String http, long midBase, int sessions,
            int payload, double rate, long total, int publisher, LongAdder accepted, LongAdder failed,
            LongAdder overloaded, Recorder api) {
        long start = System.nanoTime();
        long startEpoch = epochNanos();
        double period = 1e9 / rate;
        for (long i = 0; i < total; i++) {
            long dueNano = start + (long) (i * period);
            long wait = dueNano - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!inFlight.tryAcquire()) {
                if (overloaded != null) {
                    overloaded.increment();
                }
                continue;
            }
            long dueEpoch = startEpoch + (dueNano - start);
            ByteBuffer b = ByteBuffer.allocate(payload);
            b.putInt(MAGIC).putInt(publisher).putLong(i).putLong(dueEpoch);
            while (b.hasRemaining()) {
                b.put((byte) 'x');
            }
            long mid = midBase + (i % sessions);
            HttpRequest req = HttpRequest.newBuilder(URI.create(http + "/goim/push/mids?operation=1000&mids=" + mid))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(b.array())).build();
            hc.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                inFlight.release();
                if (accepted == null) {
                    return;
                }
                if (t == null && r.statusCode() == 200) {
                    accepted.increment();
                    api.recordValue(Math.max(0, epochNanos() - dueEpoch) / 1000);
                } else {
                    failed.increment();
                }
            });
        }
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String summary(Histogram h) {
        return String.format(Locale.ROOT, "{\"count\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d,\"p999\":%d,\"max\":%d}",
                h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
