package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.GoimToken;
import io.jgoim.client.JgoimClient;
import io.jgoim.loadtest.metrics.RunMetrics;
import io.jgoim.loadtest.metrics.ThreadCpu;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Recorder;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Opens a scenario's sessions at a fixed rate (open loop: session i is started at {@code i / rate} seconds whatever
 * the fate of the others), records connect, auth and ready latency (ready: from the scheduled start to the auth
 * reply) and failures by reason, keeps the open-session gauge, counts sessions the server drops, and measures the
 * {@link ConnectWindow} (first scheduled start to last auth reply, and this process's CPU inside it).
 *
 * <p>Pacing: the opening thread wakes at most once per {@value #TICK_MICROS} us and hands every session due by then
 * to its event loop in one task per loop; the loop builds and connects those clients itself. A wake-up (and an event
 * loop wake-up) per session cost more CPU than the session at 10,000/s and more. One fleet per run; {@link #open} is
 * called from one thread, the listeners run on the event loops.
 *
 * <p>Its helpers are apart: each client's {@link FleetListener} (the gauge, the drop count), the unmeasured
 * {@link FleetWarmUp} before a run, {@link FleetClientFactory} (what a client is built with), {@link FleetClients}
 * (the built clients: list, cut, close) and {@link InsecureClientTls}.
 */
final class SessionFleet implements AutoCloseable {
    private static final long TICK_MICROS = 1000;
    private final SessionOptions options;
    private final RunMetrics metrics;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop[] loops;
    private final FleetClients clients;
    private final FleetClientFactory factory;
    private final Recorder connectLatency;
    private final Recorder authLatency;
    private final Recorder readyLatency;
    /** The scenario's "lag" histogram (null when it keeps none): how late the tool started each session. */
    private final Recorder startLag;
    private final LongAdder connected;
    private final AtomicLong lastAuthNanos = new AtomicLong();
    private RefusalRetry retry = RefusalRetry.OFF;
    /** No retry starts after this ({@link System#nanoTime}); set by {@link #open} before any session starts. */
    private volatile long retryDeadlineNanos;
    private volatile boolean closing;
    private ConnectWindow window;

    SessionFleet(SessionOptions options, RunMetrics metrics) {
        this(options, metrics, null);
    }

    /** A fleet on {@code shared} event loops (not shut down by {@link #close}), or on its own when null. */
    SessionFleet(SessionOptions options, RunMetrics metrics, EventLoopGroup shared) {
        this(options, metrics, shared, Tuning.NONE);
    }

    /** As above, each client's builder changed by {@code tuning} after the fleet's own settings. */
    SessionFleet(SessionOptions options, RunMetrics metrics, EventLoopGroup shared, Tuning tuning) {
        this.options = options;
        this.metrics = metrics;
        this.ownsGroup = shared == null;
        this.group = shared != null ? shared : ClientTransports.newEventLoopGroup(options.threads());
        List<EventLoop> l = new ArrayList<>();
        group.forEach(e -> l.add((EventLoop) e));
        this.loops = l.toArray(EventLoop[]::new);
        this.clients = new FleetClients(options.sessions());
        this.factory = new FleetClientFactory(options, tuning);
        this.connectLatency = metrics.recorder("connect");
        this.authLatency = metrics.recorder("auth");
        this.readyLatency = metrics.recorder("ready");
        this.startLag = metrics.recorderOrNull("lag");
        this.connected = metrics.counter("sessions.connected");
    }

    /**
     * Refused sessions (a close of the reconnect class before they authenticated) try again by {@code retry}'s
     * policy; call before {@link #open}. Each attempt counts in {@code sessions.attempts}, each refusal in
     * {@code refused <code> <name>}, each session admitted on its k-th attempt in {@code admitted.attempt.k}; the
     * {@code ready} histogram of a retried session runs from its first scheduled start, so it is its time to
     * admission. Only the last refusal of a session that never got in counts as its failure.
     */
    SessionFleet retryRefused(RefusalRetry retry) {
        this.retry = retry;
        return this;
    }

    /**
     * Starts every session at its scheduled time, then waits for all of them to authenticate or fail. Returns the
     * number that authenticated. {@code pushes} gives the push listener of session {@code index} (null: none); it is
     * called on the opening thread.
     */
    int open(LongFunction<ClientListener> pushes) {
        int n = options.sessions();
        CountDownLatch done = new CountDownLatch(n);
        long cpuBefore = processCpuNanos();
        Map<Long, Map.Entry<String, Long>> threadsBefore = ThreadCpu.snapshot();
        long start = System.nanoTime();
        long epochUsAtStart = System.currentTimeMillis() * 1000;
        double period = 1e9 / options.connectRate();
        int next = 0;
        java.util.concurrent.Semaphore connecting = options.maxPending() > 0
                ? new java.util.concurrent.Semaphore(options.maxPending()) : null;
        CountDownLatch finished = connecting == null ? done : released(done, connecting);
        retryDeadlineNanos = start + (long) (n * period) + retry.window().toNanos();
        while (next < n) {
            long now = System.nanoTime();
            // every session due by now, plus those due within half a tick (the next wake-up is a tick away)
            int due = (int) Math.min(n, Math.floor((now - start + TICK_MICROS * 500) / period) + 1);
            if (due > next && connecting != null) {
                // closed loop: no more than maxPending connecting at once; wait for earlier ones to finish
                due = Math.min(due, next + options.maxPending());
                connecting.acquireUninterruptibly(due - next);
            }
            if (due > next) {
                submit(next, due, start, period, pushes, finished);
                next = due;
            }
            if (next < n) {
                long nextDue = start + (long) (next * period);
                LockSupport.parkNanos(Math.max(TICK_MICROS * 1000, nextDue - System.nanoTime()));
            }
        }
        long deadline = options.connectTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(5)
                + (retry.enabled() ? retry.window().toNanos() + retry.backoff().maxNanos() : 0);
        try {
            if (!done.await(deadline, TimeUnit.NANOSECONDS)) {
                metrics.fail("fleet: connects still pending after " + Duration.ofNanos(deadline));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long last = lastAuthNanos.get();
        long cpu = processCpuNanos() - cpuBefore;
        Map<String, Double> threads = ThreadCpu.secondsByPool(threadsBefore, ThreadCpu.snapshot());
        int ok = (int) connected.sum();
        if (n > 0) {
            window = ConnectWindow.of(epochUsAtStart, last == 0 ? epochUsAtStart
                    : epochUsAtStart + (last - start) / 1000, ok, cpu / 1e9, -1, threads);
        }
        return ok;
    }

    /** A latch whose count-down also returns a permit to {@code connecting}. */
    private static CountDownLatch released(CountDownLatch done, java.util.concurrent.Semaphore connecting) {
        return new CountDownLatch(0) {
            @Override
            public void countDown() {
                connecting.release();
                done.countDown();
            }
        };
    }

    /** The measured window of the last {@link #open}, or null before. */
    ConnectWindow window() {
        return window;
    }

    private void submit(int from, int to, long start, double period, LongFunction<ClientListener> pushes,
                        CountDownLatch done) {
        ClientListener[] listeners = null;
        if (pushes != null) {
            listeners = new ClientListener[to - from];
            for (int i = from; i < to; i++) {
                listeners[i - from] = pushes.apply(options.firstIndex() + i);
            }
        }
        metrics.counter("sessions.attempted").add(to - from);
        ClientListener[] l = listeners;
        for (int k = 0; k < loops.length; k++) {
            EventLoop loop = loops[k];
            int first = from + Math.floorMod(k - from, loops.length);
            if (first >= to) {
                continue;
            }
            loop.execute(() -> {
                for (int i = first; i < to; i += loops.length) {
                    connect(loop, i, start + (long) (i * period), l == null ? null : l[i - from], done, 1);
                }
            });
        }
    }

    private void connect(EventLoop loop, int i, long due, ClientListener pushes, CountDownLatch done, int attempt) {
        JgoimClient c = factory.build(loop, options.firstIndex() + i, new FleetListener(this, pushes));
        clients.set(i, c);
        if (retry.enabled()) {
            metrics.counter("sessions.attempts").increment();
        }
        if (attempt == 1 && startLag != null) {
            // behind its schedule by more than a tick: the tool itself is short of CPU at this rate
            startLag.recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
        }
        c.connect().whenComplete((v, t) -> {
            if (t != null && retry.enabled() && retryLater(loop, i, due, pushes, done, attempt, t)) {
                return;
            }
            if (t == null) {
                if (retry.enabled()) {
                    metrics.counter("admitted.attempt." + attempt).increment();
                }
                long now = System.nanoTime();
                connectLatency.recordValue(c.connectNanos() / 1000);
                authLatency.recordValue(c.authNanos() / 1000);
                // open loop: from the session's scheduled start, so client-side queueing is not hidden
                readyLatency.recordValue(Math.max(0, (now - due) / 1000));
                connected.increment();
                lastAuthNanos.accumulateAndGet(now, Math::max);
            } else {
                metrics.fail(FailureReasons.of(t));
            }
            done.countDown();
        });
    }

    /**
     * Counts a refusal and schedules the session's next attempt when {@code t} is a refusal of the reconnect class
     * and the attempt would start before the retry deadline (and the fleet is not closing); false: {@code t} is the
     * session's final outcome.
     */
    private boolean retryLater(EventLoop loop, int i, long due, ClientListener pushes, CountDownLatch done,
                               int attempt, Throwable t) {
        Throwable cause = io.jgoim.protocol.Failures.unwrap(t);
        CloseStatus status = cause instanceof io.jgoim.client.JgoimClientException e ? e.closeStatus() : null;
        if (!retry.retries(status)) {
            return false;
        }
        metrics.counter("refused " + status.code() + " " + status.closeCode()).increment();
        long delay = retry.delayNanos(status, attempt);
        if (closing || System.nanoTime() + delay > retryDeadlineNanos) {
            return false;
        }
        loop.schedule(() -> connect(loop, i, due, pushes, done, attempt + 1), delay, TimeUnit.NANOSECONDS);
        return true;
    }

    /** CPU time (user + system) of this process so far, in nanoseconds; 0 when the JVM does not tell. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }

    /** The run's metrics, which the fleet's listeners count sessions and drops in. */
    RunMetrics metrics() {
        return metrics;
    }

    /** True once {@link #close} began: the closes that follow are no drops. */
    boolean isClosing() {
        return closing;
    }

    /** True, once, when {@code client}'s connection was cut on purpose ({@link #cut}): its close is no drop. */
    boolean takeCut(JgoimClient client) {
        return clients.takeCut(client);
    }

    /** Sessions open now. */
    long open() {
        return metrics.sessions().get();
    }

    /** The clients built so far (null where a session was not started). */
    List<JgoimClient> clients() {
        return clients.list();
    }

    /**
     * Cuts the connection of every client that has one, as a lost link would (see {@link ConnectionCut}); clients
     * built with reconnects on then come back by themselves, keeping their key and positions. The close that follows
     * each cut is not counted as a drop. Returns how many connections were cut.
     */
    int cut() {
        return clients.cut();
    }

    /** Closes every session (not counted as drops) and the event loops; waits for them. */
    @Override
    public void close() {
        closing = true;
        clients.closeAll();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** Per-session changes a scenario makes to the fleet's client settings (reconnects, backoff, token). */
    @FunctionalInterface
    interface Tuning {
        Tuning NONE = (index, builder) -> {
        };

        /** Changes the builder of session {@code index} (global over all processes) before it is built. */
        void tune(long index, io.jgoim.client.JgoimClientBuilder builder);
    }
}
