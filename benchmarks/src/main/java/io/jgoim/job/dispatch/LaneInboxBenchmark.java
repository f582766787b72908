package io.jgoim.job.dispatch;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job lane's inbox across threads, as the lane uses it: the benchmark thread (the Kafka consumer or a gRPC
 * callback) adds entries, a consumer thread runs the lane's duty cycle (poll, parking up to 50 ms when empty, then
 * drain) and counts them; an operation is one entry from add to consumed. {@code single} adds one and waits for it, so
 * nearly every entry wakes a parked lane (a quiet job); {@code burst16} adds 16 before waiting. {@code impl}:
 * {@code linkedBlocking} is the {@code LinkedBlockingQueue} the lane had, {@code laneInbox} the JCTools MPSC queue
 * with its own park and wake-up ({@link LaneInbox}). B/op with {@code -prof gc} counts both threads' allocation
 * and is the figure that counts on a busy machine; ns/op includes the wake-up and is indicative only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LaneInboxBenchmark {
    static final int BURST = 16;
    static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    @Param({"linkedBlocking", "laneInbox"})
    public String impl;

    private final Object entry = new Object();
    private final AtomicLong consumed = new AtomicLong();
    private long added;
    private volatile boolean running;
    private Thread consumer;
    private Inbox inbox;

    /** The two inboxes behind the lane's three calls. */
    interface Inbox {
        void add(Object o);

        Object poll();

        Object poll(long nanos) throws InterruptedException;
    }

    @Setup(Level.Trial)
    public void setUp() {
        running = true;
        consumer = new Thread(this::dutyCycle, "bench-lane");
        consumer.setDaemon(true);
        inbox = switch (impl) {
            case "linkedBlocking" -> blocking();
            case "laneInbox" -> mpsc(new LaneInbox(consumer));
            default -> throw new IllegalArgumentException(impl);
        };
        consumer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        consumer.interrupt();
        consumer.join(5_000);
        if (consumed.get() != added) {
            throw new IllegalStateException("added " + added + ", consumed " + consumed.get());
        }
    }

    /** One entry, then wait for the lane to take it: the wake-up path. */
    @Benchmark
    public long single() {
        inbox.add(entry);
        return await(++added);
    }

    /** 16 entries, then wait for all: per entry. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long burst16() {
        for (int i = 0; i < BURST; i++) {
            inbox.add(entry);
        }
        added += BURST;
        return await(added);
    }

    private long await(long target) {
        long c;
        while ((c = consumed.get()) < target) {
            Thread.yield(); // two shared cores: let the lane run
        }
        return c;
    }

    /** The lane's loop, less the timers and the routing. */
    private void dutyCycle() {
        while (running) {
            try {
                Object work = inbox.poll(PARK_NANOS);
                long n = 0;
                while (work != null) {
                    n++;
                    work = inbox.poll();
                }
                if (n > 0) {
                    consumed.lazySet(consumed.get() + n);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Inbox blocking() {
        LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        return new Inbox() {
            @Override
            public void add(Object o) {
                q.add(o);
            }

            @Override
            public Object poll() {
                return q.poll();
            }

            @Override
            public Object poll(long nanos) throws InterruptedException {
                return q.poll(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    private static Inbox mpsc(LaneInbox q) {
        return new Inbox() {
            @Override
            public void add(Object o) {
                q.add(o);
            }

            @Override
            public Object poll() {
                return q.poll();
            }

            @Override
            public Object poll(long nanos) {
                return q.poll(nanos);
            }
        };
    }
}
