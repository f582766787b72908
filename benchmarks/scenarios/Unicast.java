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
 * {@code java -cp dist/target/jgoim.jar benchmarks/scenarios/Unicast.java SESSIONS RATE SECONDS OUT.json}.
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

        Recorder e2e = new Recorder(3);
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
                if (body.readableBytes() >= 24 && body.getInt(body.readerIndex()) == MAGIC) {
                    long due = body.getLong(body.readerIndex() + 16);
                    e2e.recordValue(Math.max(0, epochNanos() - due) / 1000);
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
        long total = (long) (rate * seconds);
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
                overloaded.increment();
                continue;
            }
            long dueEpoch = startEpoch + (dueNano - start);
            ByteBuffer b = ByteBuffer.allocate(payload);
            b.putInt(MAGIC).putInt(1).putLong(i).putLong(dueEpoch);
            while (b.hasRemaining()) {
                b.put((byte) 'x');
            }
            long mid = midBase + (i % sessions);
            HttpRequest req = HttpRequest.newBuilder(URI.create(http + "/goim/push/mids?operation=1000&mids=" + mid))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(b.array())).build();
            hc.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, t) -> {
                inFlight.release();
                if (t == null && r.statusCode() == 200) {
                    accepted.increment();
                    api.recordValue(Math.max(0, epochNanos() - dueEpoch) / 1000);
                } else {
                    failed.increment();
                }
            });
        }
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        inFlight.tryAcquire(maxInFlight, 10, TimeUnit.SECONDS);
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (delivered.sum() < accepted.sum() && System.nanoTime() < graceEnd) {
            Thread.sleep(50);
        }
        Histogram h = e2e.getIntervalHistogram();
        Histogram a = api.getIntervalHistogram();
        String json = String.format(Locale.ROOT, "{\"scenario\":\"unicast\",\"sessions\":%d,\"connected\":%d,"
                        + "\"rate\":%.1f,\"seconds\":%d,\"publishSeconds\":%.3f,\"payloadSize\":%d,"
                        + "\"sent\":%d,\"accepted\":%d,\"failed\":%d,\"overloaded\":%d,\"delivered\":%d,\"lost\":%d,"
                        + "\"e2eUs\":%s,\"apiUs\":%s}%n",
                sessions, connected, rate, seconds, publishSeconds, payload, total - overloaded.sum(),
                accepted.sum(), failed.sum(), overloaded.sum(), delivered.sum(),
                accepted.sum() - delivered.sum(), summary(h), summary(a));
        Files.writeString(out, json);
        System.out.print(json);
        for (JgoimClient c : clients) {
            c.closeAsync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        System.exit(0);
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
