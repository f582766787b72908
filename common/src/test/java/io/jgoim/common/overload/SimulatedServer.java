package io.jgoim.common.overload;

import java.util.ArrayDeque;

/**
 * A server behind a {@link BbrLimiter} on an injected clock and CPU, for the limiter's golden tests. Time advances in
 * steps: each step first completes (releases) every request due by its end, in order, then offers what arrives in it.
 * An admitted request starts at once and completes no sooner than its {@link Service latency} after its start and
 * no sooner than {@code spacing} after the previous completion (first in, first out): {@code spacing} is the server's
 * capacity (a 50 µs spacing carries 20 requests per millisecond). Single-threaded: one test drives it.
 */
final class SimulatedServer {
    static final long US = 1_000L;
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;

    /** The server's latency for a request that starts while it holds {@code held} requests. */
    interface Service {
        long nanos(int held);
    }

    /** Counts of one stretch of simulated time; {@code maxInFlight} is the most admitted and not yet released. */
    record Stretch(long accepted, long refused, long passed, long rtSumNanos, long maxRtNanos, long lastRefusal,
                   long maxInFlight) {
        double meanRtMs() {
            return passed == 0 ? 0 : rtSumNanos / (double) passed / MS;
        }
    }

    private final long step;
    private final BbrLimiter limiter;
    /** In service: {start, done, 1 if sent by the pool} per request, done ascending (FIFO). */
    private final ArrayDeque<long[]> held = new ArrayDeque<>();
    private long now;
    private int cpu;
    private long lastDone;
    private double due;
    private long nextBatch;
    /** Connections of a closed pool (see {@link #pool}) waiting for no reply, ready to send. */
    private int poolIdle;
    /** Connections of a shrunk pool still waiting for their reply: they leave the pool when it comes. */
    private int poolRetiring;

    /** A server whose clock starts at {@code startNanos} and advances by {@code step}, with the CPU at {@code cpu}. */
    SimulatedServer(OverloadConfig config, long step, long startNanos, int cpu) {
        this.step = step;
        this.now = startNanos;
        this.nextBatch = startNanos;
        this.cpu = cpu;
        this.limiter = new BbrLimiter(config, () -> this.cpu, () -> this.now);
    }

    BbrLimiter limiter() {
        return limiter;
    }

    long now() {
        return now;
    }

    void cpu(int permille) {
        cpu = permille;
    }

    /** Offers {@code perMs} requests per millisecond, evenly, for {@code nanos} of simulated time. */
    Stretch offer(double perMs, Service latency, long spacing, long nanos) {
        return run(0, 0, perMs, latency, spacing, nanos);
    }

    /** Offers a batch of {@code size} at once every {@code period} for {@code nanos} of simulated time. */
    Stretch offerBatches(int size, long period, Service latency, long spacing, long nanos) {
        nextBatch = Math.min(nextBatch, now + period); // a new rate starts within its own period
        return run(size, period, 0, latency, spacing, nanos);
    }

    /**
     * A closed pool of {@code connections} clients, one request each at a time, for {@code nanos} of simulated time:
     * a connection sends again in the step after its reply, accepted or refused (a business service's HTTP pool
     * under a backlog it cannot clear: every connection busy, all the time). The pool is formed at the first call;
     * later calls with another size grow or shrink its idle part.
     */
    Stretch pool(int connections, Service latency, long spacing, long nanos) {
        int busy = (int) held.stream().filter(r -> r[2] == 1).count();
        poolIdle = Math.max(0, connections - busy);
        poolRetiring = Math.max(0, busy - connections);
        return run(-1, 0, 0, latency, spacing, nanos);
    }

    private Stretch run(int size, long period, double perMs, Service latency, long spacing, long nanos) {
        long accepted = 0;
        long refused = 0;
        long passed = 0;
        long rtSum = 0;
        long maxRt = 0;
        long lastRefusal = 0;
        long maxInFlight = 0;
        for (long end = now + nanos; now < end; ) {
            long stepEnd = now + step;
            long[] r;
            while ((r = held.peekFirst()) != null && r[1] <= stepEnd) {
                held.pollFirst();
                now = Math.max(now, r[1]);
                limiter.release(r[0]);
                if (r[2] == 1) {
                    if (poolRetiring > 0) {
                        poolRetiring--;
                    } else {
                        poolIdle++;
                    }
                }
                passed++;
                rtSum += r[1] - r[0];
                maxRt = Math.max(maxRt, r[1] - r[0]);
            }
            now = stepEnd;
            int arrivals = 0;
            if (size < 0) {
                arrivals = poolIdle;
                poolIdle = 0;
            } else if (size > 0) {
                while (nextBatch <= now) {
                    nextBatch += period;
                    arrivals += size;
                }
            } else {
                due += perMs * step / MS;
                for (; due >= 1; due--) {
                    arrivals++;
                }
            }
            for (int i = 0; i < arrivals; i++) {
                long start = limiter.tryAcquire();
                if (start == BbrLimiter.REJECTED) {
                    refused++;
                    lastRefusal = now;
                    if (size < 0) {
                        poolIdle++; // the refusal is its reply: the connection sends again in the next step
                    }
                    continue;
                }
                accepted++;
                long done = Math.max(start + latency.nanos(held.size()), lastDone + spacing);
                lastDone = done;
                held.addLast(new long[] {start, done, size < 0 ? 1 : 0});
                maxInFlight = Math.max(maxInFlight, limiter.inFlight());
            }
        }
        return new Stretch(accepted, refused, passed, rtSum, maxRt, lastRefusal, maxInFlight);
    }
}
