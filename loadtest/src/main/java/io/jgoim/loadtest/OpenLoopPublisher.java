package io.jgoim.loadtest;

import io.jgoim.client.ClientTransports;
import io.jgoim.loadtest.metrics.EpochClock;
import io.jgoim.loadtest.metrics.Payload;
import io.jgoim.loadtest.metrics.RunMetrics;

import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives the HTTP push API open loop: request i is due at {@code start + i / rate}; it is sent then (or at once when
 * the driver is late) and its latency is measured from that due time, so a slow server cannot slow the schedule and
 * hide its own delay (no coordinated omission). Each body is a {@link Payload} carrying sequence i and the due time.
 * Counts {@code messages.sent}, {@code messages.accepted} (HTTP 2xx with {@code "code":0}) and failures by reason;
 * records the {@code push} histogram. Requests are pipelined on HTTP/1.1 keep-alive connections
 * ({@link PipelinedHttpClient}), round robin; with one connection (the default) the server sees them in sequence
 * order. One run per instance, on the calling thread.
 */
final class OpenLoopPublisher {
    private final PushOptions options;
    private final RunMetrics metrics;
    private final AtomicLong accepted = new AtomicLong();

    OpenLoopPublisher(PushOptions options, RunMetrics metrics) {
        this.options = options;
        this.metrics = metrics;
    }

    /** Publishes for the configured duration, waits for the replies, and returns the accepted count. */
    long run() {
        Semaphore inFlight = new Semaphore(options.maxInFlight());
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        double period = 1e9 / options.rate();
        EventLoopGroup group = ClientTransports.newEventLoopGroup(Math.min(options.connections(), 2));
        List<PipelinedHttpClient> connections = new ArrayList<>();
        for (int c = 0; c < options.connections(); c++) {
            connections.add(new PipelinedHttpClient(options.uri(), group));
        }
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
                    metrics.fail("push: " + options.maxInFlight() + " requests already in flight");
                    continue;
                }
                byte[] body = Payload.encode(options.publisherId(), i, EpochClock.toEpochNanos(due),
                        options.payloadSize());
                PipelinedHttpClient http = connections.get((int) (i % connections.size()));
                http.post(body).whenComplete((res, err) -> {
                    inFlight.release();
                    metrics.recorder("push").recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                    if (err != null) {
                        metrics.fail("push: " + err.getMessage());
                    } else if (res.status() / 100 != 2 || !res.body().replace(" ", "").contains("\"code\":0")) {
                        metrics.fail("push: HTTP " + res.status());
                    } else {
                        accepted.incrementAndGet();
                        metrics.counter("messages.accepted").increment();
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
}
