package io.jgoim.server.cluster;

import io.jgoim.protocol.stream.StreamPosition;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes through logic's HTTP API at a steady rate from one thread (asynchronous requests, a bounded number in
 * flight): each push goes to a random room ({@code /goim/push/room}) or a random member ({@code /goim/push/mids})
 * with the body {@code stream|seq|pushNanos}, and its answer goes into the {@link Ledger}: accepted (200), refused
 * (503: Kafka or the history store down), or uncertain (no answer). Also usable for single pushes.
 */
public final class Pusher implements AutoCloseable {
    private static final Pattern POSITION = Pattern.compile("\"epoch\":\"(\\d+)\",\"offset\":(\\d+)");
    private static final Pattern ROUTED = Pattern.compile("\"routed\":(\\d+)");

    /** What happened to every push, per stream. */
    public static final class Ledger {
        /** One stream's pushes by sequence number. */
        public static final class Stream {
            final AtomicInteger seqs = new AtomicInteger();
            final BitSet accepted = new BitSet();
            final BitSet refused = new BitSet();
            final BitSet uncertain = new BitSet();
            final Map<Integer, Long> acceptedNanos = new ConcurrentHashMap<>();
            final Map<Integer, StreamPosition> positions = new ConcurrentHashMap<>();

            public synchronized BitSet accepted() {
                return (BitSet) accepted.clone();
            }

            public synchronized BitSet refused() {
                return (BitSet) refused.clone();
            }

            public synchronized BitSet uncertain() {
                return (BitSet) uncertain.clone();
            }

            /** When the 200 for {@code seq} came (nanoTime), or null. */
            public Long acceptedAt(int seq) {
                return acceptedNanos.get(seq);
            }

            /** The position logic answered for a member push, or null. */
            public StreamPosition position(int seq) {
                return positions.get(seq);
            }

            synchronized void answer(int seq, int status, String body) {
                if (status == 200) {
                    accepted.set(seq);
                    acceptedNanos.put(seq, System.nanoTime());
                    Matcher m = POSITION.matcher(body);
                    if (m.find()) {
                        positions.put(seq, new StreamPosition("", Long.parseLong(m.group(1)),
                                Long.parseLong(m.group(2))));
                    }
                } else if (status == 503) {
                    refused.set(seq);
                } else {
                    uncertain.set(seq);
                }
            }
        }

        private final Map<String, Stream> streams = new ConcurrentHashMap<>();

        public Stream stream(String name) {
            return streams.computeIfAbsent(name, n -> new Stream());
        }

        public Map<String, Stream> streams() {
            return streams;
        }

        /** Accepted pushes over every stream. */
        public long accepted() {
            return streams.values().stream().mapToLong(s -> s.accepted().cardinality()).sum();
        }

        public long refused() {
            return streams.values().stream().mapToLong(s -> s.refused().cardinality()).sum();
        }

        public long uncertain() {
            return streams.values().stream().mapToLong(s -> s.uncertain().cardinality()).sum();
        }
    }

    private final String api;
    private final List<String> rooms;
    private final List<Long> mids;
    private final double roomShare;
    private final HttpClient http;
    private final Ledger ledger = new Ledger();
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong maxRefusalNanos = new AtomicLong();
    private volatile boolean running;
    private Thread thread;
    /** Per stream, the last push sent or queued, when pushes of a stream go one at a time (pusher thread only). */
    private Map<String, java.util.concurrent.CompletableFuture<Void>> tails;

    /**
     * @param rooms     room ids as clients name them ({@code live://7}); pushed with type and id split
     * @param mids      members to push to
     * @param roomShare the share of pushes that go to rooms (the rest to members)
     * @param maxInFlight requests without an answer yet, at most
     */
    public Pusher(String api, List<String> rooms, List<Long> mids, double roomShare, int maxInFlight) {
        this.api = api;
        this.rooms = rooms;
        this.mids = mids;
        this.roomShare = roomShare;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Sends the pushes of each stream one at a time, the next after the previous one's answer, so that their sequence
     * numbers are their publish order (concurrent requests to one stream may reach Kafka in any order): for clients
     * without positions, whose order can only be checked by sequence number. Call before {@link #start}.
     */
    public Pusher orderedPerStream() {
        tails = new ConcurrentHashMap<>();
        return this;
    }

    public Ledger ledger() {
        return ledger;
    }

    public long sent() {
        return sent.get();
    }

    /** The longest a 503 took to come, in ms. */
    public long maxRefusalMillis() {
        return maxRefusalNanos.get() / 1_000_000;
    }

    /** Starts pushing {@code perSecond} pushes per second until {@link #stop()}. */
    public synchronized void start(double perSecond) {
        running = true;
        thread = new Thread(() -> run(perSecond), "pusher");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(double perSecond) {
        Random random = new Random(42);
        long start = System.nanoTime();
        long n = 0;
        while (running) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
            if (n >= due) {
                sleepMillis(1);
                continue;
            }
            n++;
            boolean room = rooms.isEmpty() || (!mids.isEmpty() && random.nextDouble() < roomShare);
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                return;
            }
            if (room) {
                pushRoomAsync(rooms.get(random.nextInt(rooms.size())));
            } else {
                pushMidAsync(mids.get(random.nextInt(mids.size())));
            }
        }
    }

    /** Stops pushing and waits until every push sent has its answer (or 30 s passed). */
    public void stop() throws InterruptedException {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(10_000);
        }
        if (inFlight.tryAcquire(maxInFlight, 30, TimeUnit.SECONDS)) {
            inFlight.release(maxInFlight);
        }
    }

    private void pushRoomAsync(String room) {
        int colon = room.indexOf("://");
        String uri = "/goim/push/room?operation=1000&type=" + room.substring(0, colon) + "&room="
                + room.substring(colon + 3);
        send(room, uri);
    }

    private void pushMidAsync(long mid) {
        send(StreamPosition.memberStream(mid), "/goim/push/mids?operation=1000&mids=" + mid);
    }

    private void send(String stream, String uri) {
        if (tails == null) {
            sendNow(stream, uri);
            return;
        }
        java.util.concurrent.CompletableFuture<Void> tail = tails.get(stream);
        tails.put(stream, tail == null || tail.isDone() ? sendNow(stream, uri)
                : tail.thenCompose(v -> sendNow(stream, uri)));
    }

    /** Sends one push now; the future completes when its answer was recorded (never exceptionally). */
    private java.util.concurrent.CompletableFuture<Void> sendNow(String stream, String uri) {
        Ledger.Stream s = ledger.stream(stream);
        int seq = s.seqs.incrementAndGet();
        long now = System.nanoTime();
        String body = stream + "|" + seq + "|" + now;
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + uri)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        sent.incrementAndGet();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
            try {
                if (e != null) {
                    s.answer(seq, -1, "");
                } else {
                    s.answer(seq, r.statusCode(), r.body());
                    if (r.statusCode() == 503) {
                        maxRefusalNanos.accumulateAndGet(System.nanoTime() - now, Math::max);
                    }
                }
            } finally {
                inFlight.release();
            }
            return null;
        });
    }

    /**
     * One push, answered before it returns: to a room ({@code live://7}) or, for a {@code mid:<n>} stream, to that
     * member. Returns the HTTP status (-1 without an answer) and the body.
     */
    public Answer push(String stream) {
        Ledger.Stream s = ledger.stream(stream);
        int seq = s.seqs.incrementAndGet();
        long now = System.nanoTime();
        String uri;
        if (stream.startsWith("mid:")) {
            uri = "/goim/push/mids?operation=1000&mids=" + stream.substring(4);
        } else {
            int colon = stream.indexOf("://");
            uri = "/goim/push/room?operation=1000&type=" + stream.substring(0, colon) + "&room="
                    + stream.substring(colon + 3);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + uri)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(stream + "|" + seq + "|" + now)).build();
        sent.incrementAndGet();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            s.answer(seq, r.statusCode(), r.body());
            if (r.statusCode() == 503) {
                maxRefusalNanos.accumulateAndGet(System.nanoTime() - now, Math::max);
            }
            return new Answer(seq, r.statusCode(), r.body());
        } catch (Exception e) {
            s.answer(seq, -1, "");
            return new Answer(seq, -1, String.valueOf(e));
        }
    }

    /** The answer to one {@link #push}. */
    public record Answer(int seq, int status, String body) {
        /** The {@code routed} count of a member push's answer, or -1. */
        public int routed() {
            Matcher m = ROUTED.matcher(body);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
