package io.jgoim.logic.online;

import io.jgoim.common.session.SessionDirectory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cluster-wide room online counts: every {@code online.aggregateInterval} it reads every comet's last report from
 * the {@link SessionDirectory} (reports expire when a comet stops renewing, so departed comets and emptied rooms drop
 * out) and publishes an immutable snapshot. Readers (RenewOnline replies, /goim/online/*) read the snapshot without
 * touching Redis. One daemon thread of its own; snapshot reads are lock-free from any thread.
 */
public final class OnlineAggregator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OnlineAggregator.class);

    /** One aggregation: room id → sessions over all comets, and the comets that reported. */
    public record Snapshot(Map<String, Integer> rooms, int servers, long total) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), 0, 0);
    }

    private final SessionDirectory directory;
    private final Duration interval;
    private final ScheduledExecutorService timer;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    public OnlineAggregator(SessionDirectory directory, Duration interval, MeterRegistry registry) {
        this.directory = directory;
        this.interval = interval;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jgoim-online-aggregator");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("jgoim.logic.online.sessions", this, a -> a.snapshot.total)
                .description("sessions in rooms, cluster-wide, at the last aggregation").register(registry);
        Gauge.builder("jgoim.logic.online.rooms", this, a -> a.snapshot.rooms.size())
                .description("rooms with sessions, cluster-wide").register(registry);
    }

    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                refresh().get(interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Keep the last snapshot: counts are advisory, and Redis being down is reported elsewhere.
                log.warn("online aggregation failed, keeping the previous counts: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Aggregates now; the future completes once the new snapshot is visible. */
    public CompletableFuture<Snapshot> refresh() {
        return directory.onlines().thenApply(reports -> {
            Map<String, Integer> rooms = new HashMap<>();
            long total = 0;
            for (Map<String, Integer> counts : reports.values()) {
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    if (e.getValue() > 0) {
                        rooms.merge(e.getKey(), e.getValue(), Integer::sum);
                        total += e.getValue();
                    }
                }
            }
            Snapshot s = new Snapshot(Map.copyOf(rooms), reports.size(), total);
            snapshot = s;
            return s;
        });
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The {@code limit} most crowded rooms of a type ({@code type://...}), most crowded first. */
    public List<Map.Entry<String, Integer>> top(String type, int limit) {
        String prefix = type + "://";
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : snapshot.rooms.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.add(Map.entry(e.getKey().substring(prefix.length()), e.getValue()));
            }
        }
        out.sort((a, b) -> b.getValue().equals(a.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** Count per room of a type (rooms without sessions count 0). */
    public Map<String, Integer> rooms(String type, Collection<String> rooms) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Map<String, Integer> all = snapshot.rooms;
        for (String r : rooms) {
            out.put(r, all.getOrDefault(type + "://" + r, 0));
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
