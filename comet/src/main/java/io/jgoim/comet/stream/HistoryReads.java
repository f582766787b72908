package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.HistorySource;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.protocol.stream.StreamPosition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How this comet reads stream history for its position-aware sessions (always through logic's History, never the
 * store directly), so that a crowd costs one read: identical reads in flight are joined (single flight per
 * (stream, since)), and each room stream's last messages are kept ({@link RecentMessages}, fed by the live positioned
 * batches the comet delivers) to answer resumes that fall inside them without any call. Thousands of clients
 * resuming one room after a comet restart therefore cost one History call per room on this comet.
 *
 * <p>Thread-safe; futures complete on whatever thread answers (logic's, or the caller's for a cache hit). A read in
 * flight fails after {@code timeout}, so a hung store never holds the single-flight slot.
 */
public final class HistoryReads {
    /** Room streams whose recent messages are kept at most; the coldest is evicted beyond it. */
    public static final int MAX_CACHED_STREAMS = 1024;
    /** Entries one {@link #readAll} gathers at most (a longer gap is read in further rounds). */
    public static final int MAX_ENTRIES = 10_000;
    /** The single-flight key of a "latest position" read (never a real since). */
    private static final long LATEST = -1;
    /** Single-flight keys of "the last n" reads are {@code LAST_BASE - n} (never a real since, never LATEST). */
    private static final long LAST_BASE = -2;

    private final LogicService logic;
    private final int cacheSize;
    private final Duration timeout;
    private final CometMetrics metrics;
    private final ConcurrentHashMap<Key, CompletableFuture<History>> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RecentMessages> recent = new ConcurrentHashMap<>();
    /**
     * Answers of room and broadcast streams that have no message or no history: every position-aware auth reads the
     * broadcast stream, which may have no broadcast yet (nothing to seed recent messages with) or no history at all.
     * The broadcast stream's answer holds until a broadcast reaches this comet (every comet gets every broadcast); a
     * room's for {@link #QUIET_NANOS} (a comet without the room's sessions is not sent its batches). A stale "no
     * message" is safe: the session then treats a first live message past offset 1 as a gap from 0 and fills it.
     */
    private final ConcurrentHashMap<String, Quiet> quiet = new ConcurrentHashMap<>();
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Quiet(History history, long untilNanos) {
        boolean live() {
            return untilNanos == Long.MAX_VALUE || System.nanoTime() - untilNanos < 0;
        }
    }

    private record Key(String stream, long since) {
    }

    /**
     * @param cacheSize messages kept per room stream (0: no cache)
     * @param timeout   how long one History call may take before its readers fail
     */
    public HistoryReads(LogicService logic, int cacheSize, Duration timeout, CometMetrics metrics) {
        this.logic = logic;
        this.cacheSize = cacheSize;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /**
     * One read of {@code stream} after offset {@code since}, for a reader that holds epoch {@code epoch} (0: none):
     * from the recent messages when they cover it in that epoch, else from logic (joined with an identical read in
     * flight).
     */
    public CompletableFuture<History> read(String stream, long epoch, long since) {
        RecentMessages r = epoch == 0 ? null : recent.get(stream);
        History cached = r == null ? null : r.read(epoch, since);
        Quiet q = epoch == 0 && since == 0 ? quiet.get(stream) : null;
        if (q != null && q.live()) {
            cached = q.history(); // a resume from before the first message of a stream that has none
        }
        if (cached != null) {
            metrics.historyRead(HistorySource.CACHE);
            return CompletableFuture.completedFuture(cached);
        }
        return call(stream, since, HistoryReq.newBuilder().setStream(stream).setSince(since).build());
    }

    /**
     * The stream's newest position (epoch and top); from the recent messages when the comet holds any of it. The call
     * to logic asks for the newest {@code cacheSize} entries of a room stream (to seed its recent messages) and one
     * of a member stream (logic reads a limit of 0 as "as many as it allows").
     */
    public CompletableFuture<History> latest(String stream) {
        RecentMessages r = recent.get(stream);
        History cached = r == null ? null : r.latest();
        Quiet q = cached == null ? quiet.get(stream) : null;
        if (q != null && q.live()) {
            cached = q.history();
        }
        if (cached != null) {
            metrics.historyRead(HistorySource.CACHE);
            return CompletableFuture.completedFuture(cached);
        }
        int limit = cacheable(stream) ? Math.max(1, cacheSize) : 1;
        return call(stream, LATEST, HistoryReq.newBuilder().setStream(stream).setLast(true).setLimit(limit).build());
    }

    /**
     * The newest {@code n} messages of {@code stream} (a late joiner's recent comments): from the room's recent
     * messages when they hold them, else one read of the store (joined with an identical read in flight), which also
     * seeds the window when it fits.
     */
    public CompletableFuture<History> last(String stream, int n) {
        RecentMessages r = recent.get(stream);
        History cached = r == null ? null : r.last(n);
        if (cached != null) {
            metrics.historyRead(HistorySource.CACHE);
            return CompletableFuture.completedFuture(cached);
        }
        int limit = cacheable(stream) ? Math.max(n, Math.min(cacheSize, MAX_ENTRIES)) : n;
        return call(stream, LAST_BASE - limit, HistoryReq.newBuilder().setStream(stream).setLast(true)
                .setLimit(limit).build()).thenApply(h -> tail(h, n));
    }

    /** {@code h} cut to its newest {@code n} entries. */
    private static History tail(History h, int n) {
        if (h.off() || h.entries().size() <= n) {
            return h;
        }
        int from = h.entries().size() - n;
        return new History(false, h.epoch(), h.top(), h.first() + from,
                h.entries().subList(from, h.entries().size()), h.complete(), h.audiences());
    }

    /**
     * Reads every entry after {@code since} up to the top (in pages, at most {@link #MAX_ENTRIES}). Stops at the
     * first page when the stream is off, its history incomplete, or its epoch is not {@code epoch} (0 matches any).
     */
    public CompletableFuture<History> readAll(String stream, long epoch, long since) {
        return read(stream, epoch, since).thenCompose(h -> {
            if (h.off() || !h.complete() || (epoch != 0 && h.epoch() != epoch) || h.entries().isEmpty()) {
                return CompletableFuture.completedFuture(h);
            }
            return more(stream, h.epoch(), h.top(), h.first(), new ArrayList<>(h.entries()),
                    new HashMap<>(h.audiences()));
        });
    }

    private CompletableFuture<History> more(String stream, long epoch, long top, long first, List<ByteString> all,
                                            Map<Long, List<String>> audiences) {
        long last = first + all.size() - 1;
        if (last >= top || all.size() >= MAX_ENTRIES) {
            return CompletableFuture.completedFuture(new History(false, epoch, top, first, all, true, audiences));
        }
        return read(stream, epoch, last).thenCompose(next -> {
            if (next.off() || !next.complete() || next.epoch() != epoch || next.entries().isEmpty()) {
                // The stream changed under the read (lost, trimmed past it): what was read is still consecutive.
                return CompletableFuture.completedFuture(new History(false, epoch, top, first, all, true,
                        audiences));
            }
            all.addAll(next.entries());
            audiences.putAll(next.audiences());
            return more(stream, epoch, Math.max(top, next.top()), first, all, audiences);
        });
    }

    /** A live positioned batch of room stream {@code stream} this comet delivers. */
    public void feed(String stream, long epoch, long first, List<ByteString> frames) {
        quiet.remove(stream);
        if (cacheSize == 0 || !cacheable(stream)) {
            return;
        }
        RecentMessages r = recent.get(stream);
        if (r == null) {
            evictIfFull();
            r = recent.computeIfAbsent(stream, s -> new RecentMessages(cacheSize));
        }
        r.feed(epoch, first, frames);
    }

    /** A positioned batch of {@code stream} this comet did not deliver: its recent messages would have a hole. */
    public void invalidate(String stream) {
        recent.remove(stream);
    }

    /** Streams whose recent messages are kept now. */
    public int cachedStreams() {
        return recent.size();
    }

    /** Reads in flight now. */
    public int inFlight() {
        return inFlight.size();
    }

    private CompletableFuture<History> call(String stream, long since, HistoryReq req) {
        Key key = new Key(stream, since);
        CompletableFuture<History> mine = new CompletableFuture<>();
        CompletableFuture<History> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            metrics.historyRead(HistorySource.JOINED);
            return running.copy();
        }
        metrics.historyRead(HistorySource.STORE);
        mine.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        // The caller's stage completes after the slot is free (dependents run last-registered first).
        CompletableFuture<History> freed = mine.whenComplete((h, e) -> inFlight.remove(key, mine));
        try {
            logic.history(req).whenComplete((reply, e) -> {
                if (e != null && olderLogic(e)) {
                    // A logic node from before streams (a rolling upgrade) has no History call: it keeps no history.
                    mine.complete(History.of(HistoryReply.newBuilder().setOff(true).build()));
                    return;
                }
                if (e != null) {
                    mine.completeExceptionally(e);
                    return;
                }
                History h = History.of(reply);
                if (cacheable(stream) && (h.off() || h.top() == 0) && h.entries().isEmpty()) {
                    quiet(stream, h);
                }
                if (cacheSize > 0 && cacheable(stream) && h.reachesTop()) {
                    RecentMessages r = recent.get(stream);
                    if (r == null) {
                        evictIfFull();
                        r = recent.computeIfAbsent(stream, s -> new RecentMessages(cacheSize));
                    }
                    r.seed(h);
                }
                mine.complete(h);
            });
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
        }
        return freed;
    }

    private void quiet(String stream, History h) {
        if (quiet.size() >= MAX_CACHED_STREAMS) {
            quiet.clear();
        }
        long until = StreamPosition.isBroadcastStream(stream) ? Long.MAX_VALUE : System.nanoTime() + QUIET_NANOS;
        quiet.put(stream, new Quiet(new History(h.off(), h.epoch(), 0, 1, List.of(), !h.off()), until));
    }

    /** True when logic answered that it has no History call at all (gRPC UNIMPLEMENTED: an older logic node). */
    static boolean olderLogic(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return true;
            }
        }
        return false;
    }

    private void evictIfFull() {
        if (recent.size() < MAX_CACHED_STREAMS) {
            return;
        }
        String coldest = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, RecentMessages> e : recent.entrySet()) {
            long t = e.getValue().touchedNanos();
            if (coldest == null || t - oldest < 0) {
                coldest = e.getKey();
                oldest = t;
            }
        }
        if (coldest != null) {
            recent.remove(coldest);
        }
    }

    private static boolean cacheable(String stream) {
        return !StreamPosition.isMemberStream(stream);
    }
}
