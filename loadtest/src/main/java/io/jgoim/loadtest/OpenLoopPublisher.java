package io.jgoim.loadtest;

import io.jgoim.client.ClientTransports;
import io.jgoim.loadtest.metrics.EpochClock;
import io.jgoim.loadtest.metrics.Payload;
import io.jgoim.loadtest.metrics.RunMetrics;

import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives the HTTP push API open loop: request i is due at {@code start + i / rate}; it is sent then (or at once when
 * the driver is late) and its latency is measured from that due time, so a slow server cannot slow the schedule and
 * hide its own delay (no coordinated omission). Each body is a {@link Payload} carrying sequence i and the due time.
 * Counts {@code messages.sent}, {@code messages.accepted} (HTTP 2xx with {@code "code":0}), {@code messages.notSent}
 * (due while {@code maxInFlight} requests were pending: the tool's own limit, not a server failure) and failures by
 * reason: {@code HTTP <status> code <API code>} for a reply that is not an acceptance, the connection's loss (which
 * side ended it) or the socket error otherwise; records the {@code push} histogram (every reply) and, given a
 * {@link ReplySplit}, accepted and 429 replies apart. Requests are pipelined on
 * HTTP/1.1 keep-alive connections ({@link PipelinedHttpClient}), round robin; with one connection (the default) the server sees them in sequence
 * order. With a {@link PushOptions#depth() depth} the connections are a pool instead: a request takes a connection
 * with fewer than that many pending, and is not sent when none has. One run per instance, on the calling thread.
 */
final class OpenLoopPublisher {
    private final PushOptions options;
    private final RunMetrics metrics;
    private final ReplySplit split;
    private final AtomicLong accepted = new AtomicLong();
    /** {@link #apiCode} of a body without a JSON {@code "code"}. */
    static final int NO_CODE = Integer.MIN_VALUE;

    OpenLoopPublisher(PushOptions options, RunMetrics metrics) {
        this(options, metrics, null);
    }

    /** Also splits the replies into accepted and refused (HTTP 429) with {@code split}; null for no split. */
    OpenLoopPublisher(PushOptions options, RunMetrics metrics, ReplySplit split) {
        this.options = options;
        this.metrics = metrics;
        this.split = split;
    }

    /**
     * Publishes {@code duration} worth of requests like {@code options} (same target, rate, size and connections) from
     * {@code publisherId}, measuring nothing: a warm-up of the tool's and the server's JITs before a measured run.
     */
    static void unmeasured(PushOptions options, java.time.Duration duration, int publisherId) {
        PushOptions warm = new PushOptions(options.httpBase(), options.target(), options.roomType(), options.roomId(),
                options.mids(), options.keys(), options.operation(), options.rate(), duration, options.payloadSize(),
                options.maxInFlight(), publisherId, 0, options.connections(), options.runAs(), options.depth());
        try (RunMetrics throwaway = new RunMetrics(List.of("push"), List.of(), 0)) {
            new OpenLoopPublisher(warm, throwaway).run();
        }
    }

    /** Publishes for the configured duration, waits for the replies, and returns the accepted count. */
    long run() {
        Semaphore inFlight = new Semaphore(options.maxInFlight());
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        double period = 1e9 / options.rate();
        if (split != null) {
            split.schedule(start, end);
        }
        EventLoopGroup group = ClientTransports.newEventLoopGroup(Math.min(options.connections(), 2));
        List<PipelinedHttpClient> connections = new ArrayList<>();
        for (int c = 0; c < options.connections(); c++) {
            connections.add(new PipelinedHttpClient(options.uri(), group, options.runAs()));
        }
        // with a depth, a pool: each connection is in here once per request it may still take
        ArrayBlockingQueue<PipelinedHttpClient> free = null;
        if (options.depth() > 0) {
            free = new ArrayBlockingQueue<>(options.connections() * options.depth());
            for (int d = 0; d < options.depth(); d++) {
                free.addAll(connections);
            }
        }
        ArrayBlockingQueue<PipelinedHttpClient> pool = free;
        try {
            for (long i = 0; ; i++) {
                long due = start + (long) (i * period);
                if (due >= end) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                metrics.counter("messages.sent").increment();
                if (!inFlight.tryAcquire()) {
                    metrics.counter("messages.notSent").increment();
                    continue;
                }
                PipelinedHttpClient http = pool == null ? connections.get((int) (i % connections.size()))
                        : pool.poll();
                if (http == null) {
                    inFlight.release();
                    metrics.counter("messages.notSent").increment();
                    continue;
                }
                byte[] body = Payload.encode(options.publisherId(), i, EpochClock.toEpochNanos(due),
                        options.payloadSize());
                http.post(body).whenComplete((res, err) -> {
                    if (pool != null) {
                        pool.offer(http);
                    }
                    inFlight.release();
                    long now = System.nanoTime();
                    long micros = Math.max(0, (now - due) / 1000);
                    metrics.recorder("push").recordValue(micros);
                    if (err != null) {
                        metrics.fail("push: " + PipelinedHttpClient.describe(err));
                    } else if (res.status() / 100 != 2 || apiCode(res.body()) != 0) {
                        int code = apiCode(res.body());
                        metrics.fail("push: HTTP " + res.status()
                                + (code == NO_CODE ? " (no API code)" : " code " + code));
                        if (split != null) {
                            split.notAccepted(res.status(), due, micros, now);
                        }
                    } else {
                        accepted.incrementAndGet();
                        metrics.counter("messages.accepted").increment();
                        if (split != null) {
                            split.accepted(micros);
                        }
                    }
                });
            }
            if (!inFlight.tryAcquire(options.maxInFlight(), 15, TimeUnit.SECONDS)) {
                metrics.fail("push: replies still pending after 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.forEach(PipelinedHttpClient::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        return accepted.get();
    }

    /** The API's {@code "code"} in a JSON reply body, {@link #NO_CODE} when there is none. */
    static int apiCode(String body) {
        int at = body.indexOf("\"code\"");
        if (at < 0) {
            return NO_CODE;
        }
        int i = body.indexOf(':', at + 6);
        if (i < 0) {
            return NO_CODE;
        }
        i++;
        while (i < body.length() && body.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        if (i < body.length() && body.charAt(i) == '-') {
            i++;
        }
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            i++;
        }
        try {
            return Integer.parseInt(body.substring(start, i));
        } catch (NumberFormatException e) {
            return NO_CODE;
        }
    }
}
