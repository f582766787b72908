package io.jgoim.loadtest.metrics;

import io.jgoim.loadtest.LatencySummary;
import io.jgoim.loadtest.Sample;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.ServerStats;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measurements of one run: latency {@link Recorder}s (wait-free, written from any event loop), counters, failures
 * by reason, the open-session gauge, and a ticker that closes one {@link Sample} per second (interval histograms,
 * per-second counts, server RSS/CPU). Thread-safe; owned by one scenario run.
 */
public final class RunMetrics implements AutoCloseable {
    private final Map<String, Recorder> recorders = new LinkedHashMap<>();
    private final Map<String, LoopRecorder> loopRecorders = new LinkedHashMap<>();
    private final Map<String, Histogram> totals = new LinkedHashMap<>();
    private final List<String> rateNames;
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> lastRates = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final AtomicLong sessions = new AtomicLong();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService ticker;
    private final long serverPid;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private volatile ProcessStats serverFirst;
    private volatile ProcessStats serverLast;
    private volatile ProcessStats serverHeld;
    private volatile long serverPeakKb = -1;
    private final boolean serverHeap;
    private long heapBeforeKb = -1;
    private volatile long heapHeldKb = -1;
    private boolean closed;

    /**
     * @param latencyNames the histograms, in report order
     * @param rateNames    the counters sampled per second
     * @param serverPid    the server to watch through /proc, 0 for none
     */
    public RunMetrics(List<String> latencyNames, List<String> rateNames, long serverPid) {
        this(latencyNames, rateNames, serverPid, false);
    }

    /**
     * @param serverHeap also read the server's live heap through jcmd (a full GC) now and in
     *                   {@link #markServerHeld()}
     */
    public RunMetrics(List<String> latencyNames, List<String> rateNames, long serverPid, boolean serverHeap) {
        for (String n : latencyNames) {
            recorders.put(n, new Recorder(Histograms.DIGITS));
            loopRecorders.put(n, new LoopRecorder());
            totals.put(n, Histograms.newHistogram());
        }
        this.rateNames = List.copyOf(rateNames);
        this.serverPid = serverPid;
        if (serverPid > 0) {
            serverFirst = ProcessStats.tryRead(serverPid);
            if (serverFirst == null) {
                throw new IllegalArgumentException("cannot read /proc/" + serverPid + ": no such process?");
            }
            serverLast = serverFirst;
            serverPeakKb = serverFirst.rssKb();
        }
        this.serverHeap = serverHeap && serverPid > 0;
        if (this.serverHeap) {
            heapBeforeKb = ServerHeap.liveHeapKb(serverPid);
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtest-ticker");
            t.setDaemon(true);
            return t;
        });
        long delay = 1000 - System.currentTimeMillis() % 1000;
        ticker.scheduleAtFixedRate(this::tick, delay, 1000, TimeUnit.MILLISECONDS);
    }

    /** The recorder of histogram {@code name}; record microseconds. */
    public Recorder recorder(String name) {
        Recorder r = recorders.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no histogram " + name);
        }
        return r;
    }

    /** The recorder of histogram {@code name}, or null when this run has none of that name. */
    public Recorder recorderOrNull(String name) {
        return recorders.get(name);
    }

    /**
     * The per-event-loop recorder of histogram {@code name} (microseconds), for values recorded once per delivered
     * message: its values join those of {@link #recorder} in the same samples and totals.
     */
    public LoopRecorder loopRecorder(String name) {
        LoopRecorder r = loopRecorders.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no histogram " + name);
        }
        return r;
    }

    public LongAdder counter(String name) {
        return counters.computeIfAbsent(name, n -> new LongAdder());
    }

    public void fail(String reason) {
        failures.computeIfAbsent(reason, n -> new LongAdder()).increment();
    }

    public AtomicLong sessions() {
        return sessions;
    }

    /** Records the server's RSS (and live heap, when asked) now as its "all sessions held" figures. */
    public void markServerHeld() {
        if (serverHeap) {
            heapHeldKb = ServerHeap.liveHeapKb(serverPid);
        }
        if (serverPid > 0) {
            ProcessStats s = ProcessStats.tryRead(serverPid);
            if (s != null) {
                serverHeld = s;
                serverPeakKb = Math.max(serverPeakKb, s.rssKb());
            }
        }
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        try {
            samples.add(sample());
        } catch (RuntimeException e) {
            System.err.println("loadtest: sampling failed: " + e);
        }
    }

    private Sample sample() {
        Map<String, Long> rates = new LinkedHashMap<>();
        for (String n : rateNames) {
            long now = counter(n).sum();
            Long before = lastRates.put(n, now);
            rates.put(n, now - (before == null ? 0 : before));
        }
        Map<String, Sample.IntervalLatency> latency = new LinkedHashMap<>();
        for (Map.Entry<String, Recorder> e : recorders.entrySet()) {
            Histogram h = e.getValue().getIntervalHistogram();
            loopRecorders.get(e.getKey()).addIntervalTo(h);
            totals.get(e.getKey()).add(h);
            latency.put(e.getKey(), new Sample.IntervalLatency(h.getTotalCount(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getMaxValue(), Histograms.encode(h)));
        }
        long rss = -1;
        double cpu = -1;
        if (serverPid > 0) {
            ProcessStats s = ProcessStats.tryRead(serverPid);
            if (s != null) {
                rss = s.rssKb();
                cpu = s.cpuPercentSince(serverLast);
                serverLast = s;
                serverPeakKb = Math.max(serverPeakKb, rss);
            }
        }
        return new Sample(Math.round(System.currentTimeMillis() / 1000.0), sessions.get(), rates, latency, rss, cpu);
    }

    /** Stops the ticker after a last sample. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        samples.add(sample());
        closed = true;
        ticker.shutdownNow();
    }

    /** Closes and builds the result; {@code extraCounts} are added to the counters. */
    public ScenarioResult result(String scenario, Map<String, Object> parameters, Map<String, Long> extraCounts) {
        return result(scenario, parameters, extraCounts, null);
    }

    /** Closes and builds the result with the connect window (null for none). */
    public ScenarioResult result(String scenario, Map<String, Object> parameters, Map<String, Long> extraCounts,
                                 io.jgoim.loadtest.ConnectWindow window) {
        close();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Long> counts = new LinkedHashMap<>();
        counters.keySet().stream().sorted().forEach(k -> counts.put(k, counters.get(k).sum()));
        counts.putAll(extraCounts);
        Map<String, Long> fails = new LinkedHashMap<>();
        failures.keySet().stream().sorted().forEach(k -> fails.put(k, failures.get(k).sum()));
        Map<String, LatencySummary> lat = new LinkedHashMap<>();
        Map<String, String> hist = new LinkedHashMap<>();
        totals.forEach((k, h) -> {
            lat.put(k, LatencySummary.of(h));
            hist.put(k, Histograms.encode(h));
        });
        return new ScenarioResult(scenario, startedAt.toString(), seconds, 1, parameters, counts, fails, lat, hist,
                List.copyOf(samples), serverStats(counts.getOrDefault("sessions.held", 0L)), window);
    }

    private ServerStats serverStats(long held) {
        if (serverPid <= 0 || serverFirst == null) {
            return ServerStats.NONE;
        }
        ProcessStats last = ProcessStats.tryRead(serverPid);
        if (last == null) {
            last = serverLast;
        }
        ProcessStats heldStats = serverHeld != null ? serverHeld : last;
        double cpuSeconds = (last.cpuTicks() - serverFirst.cpuTicks()) / (double) ProcessStats.TICKS_PER_SECOND;
        return new ServerStats(serverPid, serverFirst.rssKb(), heldStats.rssKb(),
                Math.max(serverPeakKb, last.rssKb()), cpuSeconds, last.cpuPercentSince(serverFirst), -1,
                heapBeforeKb, heapHeldKb, -1).perSession(held);
    }
}
