package io.jgoim.job.dispatch;

import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.job.JobMetrics;
import io.jgoim.protocol.rpc.Rpc;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one ordering point of room streams (design 13): a flushed room batch whose room type keeps history gets its
 * positions from ONE {@link HistoryStore#append} (the batch's frames as entries, each Kafka record's
 * {@code topic/partition/offset} as dedupe id), then goes to the {@link Sink} with {@code {room, epoch, first
 * offset}}. Batches of one room wait in a FIFO while an earlier one's append is pending, so a room's requests are
 * queued in flush order whatever order the store answers in; a room with nothing pending goes at once. Offsets that
 * are not consecutive (a replayed record keeps its old offset) split the batch into one request per run. A failed or
 * timed-out append sends the batch without position (never dropped), counted and logged at most once a second.
 * Lane thread only, except the store's completion, which hops back to the lane.
 */
final class RoomSequencer {
    private static final Logger log = LoggerFactory.getLogger(RoomSequencer.class);

    /** Where sequenced batches go: one request of {@code tasks} with their frames and position (null = none). */
    interface Sink {
        void send(String room, List<PushTask> tasks, Proto frames, StreamPosition position);
    }

    /** A batch whose append was submitted; done once its answer (or failure) arrived on the lane. */
    private static final class Pending {
        final String room;
        final List<PushTask> tasks;
        final List<byte[]> frames;
        /** The records' ids, or null when some task came without one (then an append is never repeated). */
        final List<String> ids;
        int attempts;
        HistoryStore.Appended appended;
        Throwable error;
        boolean done;

        Pending(String room, List<PushTask> tasks, List<byte[]> frames, List<String> ids) {
            this.room = room;
            this.tasks = tasks;
            this.frames = frames;
            this.ids = ids;
        }
    }

    /** Appends of one batch at most (the first and its repeats), each bounded by the append timeout. */
    static final int MAX_ATTEMPTS = 3;

    private final Lane lane;
    private final HistoryStore store;
    private final HistoryConfig config;
    private final long timeoutMillis;
    private final JobMetrics metrics;
    private final Sink sink;
    private final RateLimitedLog failureLog = new RateLimitedLog();
    /** Per room, its batches whose append is pending or that wait behind one, in flush order. */
    private final Map<String, ArrayDeque<Pending>> waiting = new HashMap<>();
    /**
     * Emptied queues kept for the next room that needs one: a room's queue lives only while one of its appends is
     * pending, so without these every batch would build a queue again. At most {@value #SPARE_QUEUES}.
     */
    private final ArrayDeque<ArrayDeque<Pending>> spare = new ArrayDeque<>(SPARE_QUEUES);

    /** Emptied queues kept for reuse: about the rooms whose appends overlap on one lane. */
    static final int SPARE_QUEUES = 64;

    /** {@code store} null or a config keeping no room history: {@link #keepsHistory} is always false. */
    RoomSequencer(Lane lane, HistoryStore store, HistoryConfig config, long timeoutMillis, JobMetrics metrics,
                  Sink sink) {
        this.lane = lane;
        this.store = store;
        this.config = config;
        this.timeoutMillis = timeoutMillis;
        this.metrics = metrics;
        this.sink = sink;
    }

    /** Whether {@code room}'s batches get positions (else they go straight to the sink, as before issue 13). */
    boolean keepsHistory(String room) {
        return store != null && config.retention(room).enabled();
    }

    /** Batches waiting for an append, over every room (tests and diagnostics). */
    int pendingBatches() {
        int n = 0;
        for (ArrayDeque<Pending> q : waiting.values()) {
            n += q.size();
        }
        return n;
    }

    /** Appends a flushed batch of {@code room} (which {@link #keepsHistory}); it is sent once its turn comes. */
    void sequence(String room, List<PushTask> tasks) {
        List<String> ids = dedupeIds(tasks);
        Pending p = new Pending(room, tasks, PushFrameEncoder.frames(tasks),
                ids != null && !ids.contains(null) ? ids : null);
        ArrayDeque<Pending> q = waiting.get(room);
        if (q == null) {
            q = spare.poll();
            if (q == null) {
                q = new ArrayDeque<>(4);
            }
            waiting.put(room, q);
        }
        q.add(p);
        submit(p, ids);
    }

    private void submit(Pending p, List<String> ids) {
        p.attempts++;
        CompletableFuture<HistoryStore.Appended> f;
        try {
            f = store.append(p.room, p.frames, ids, config.retention(p.room));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        // copy(): the timeout must not complete a future the store may hand to others.
        f.copy().orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((a, e) -> {
            if (lane.onLaneThread()) {
                try {
                    answered(p, a, e); // the store answered at once (memory): no hop, no delay
                } catch (RuntimeException | Error bug) {
                    log.error("room {} batch failed after its append", p.room, bug); // whenComplete would hide it
                }
            } else {
                lane.execute(() -> answered(p, a, e));
            }
        });
    }

    /**
     * Lane thread: an append failed or timed out, and it may still have run in the store (a timeout, a reply lost
     * with its connection). Sending the batch without positions then would let the comets fill the next batch's
     * "gap" from history: a second copy of each message. So a batch whose every message carries its record's id is
     * appended again, up to {@value #MAX_ATTEMPTS} times: the ids make a repeat return the first positions instead of
     * appending twice. Only then (or at once for a batch without ids) does it go without positions.
     */
    private void answered(Pending p, HistoryStore.Appended a, Throwable e) {
        if (e != null && p.ids != null && p.attempts < MAX_ATTEMPTS) {
            metrics.historyAppendRetries().increment();
            submit(p, p.ids);
            return;
        }
        appended(p, a, e);
    }

    /** The tasks' record ids, or null when none came from a record (the in-process bus). */
    private static List<String> dedupeIds(List<PushTask> tasks) {
        List<String> ids = null;
        for (int i = 0; i < tasks.size(); i++) {
            String id = tasks.get(i).dedupeId();
            if (id != null && ids == null) {
                ids = new ArrayList<>(tasks.size());
                for (int j = 0; j < i; j++) {
                    ids.add(null);
                }
            }
            if (ids != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Lane thread: {@code p}'s append is over; sends every batch of its room that is no longer behind a pending one. */
    private void appended(Pending p, HistoryStore.Appended a, Throwable error) {
        p.appended = a;
        p.error = error;
        p.done = true;
        ArrayDeque<Pending> q = waiting.get(p.room);
        Pending head;
        while ((head = q.peek()) != null && head.done) {
            q.poll();
            release(head);
        }
        if (q.isEmpty()) {
            waiting.remove(p.room);
            if (spare.size() < SPARE_QUEUES) {
                spare.push(q);
            }
        }
    }

    private void release(Pending p) {
        int n = p.tasks.size();
        HistoryStore.Appended a = p.appended;
        if (p.error != null || a == null || a.offsets() == null || a.offsets().length != n || a.epoch() == 0) {
            failed(p);
            sink.send(p.room, p.tasks, PushFrameEncoder.join(p.frames, 0, n), null);
            return;
        }
        long[] offsets = a.offsets();
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || offsets[i] != offsets[i - 1] + 1) {
                StreamPosition position = StreamPosition.newBuilder().setStream(p.room).setEpoch(a.epoch())
                        .setOffset(offsets[start]).build();
                List<PushTask> run = start == 0 && i == n ? p.tasks : p.tasks.subList(start, i);
                sink.send(p.room, run, PushFrameEncoder.join(p.frames, start, i), position);
                start = i;
            }
        }
    }

    private void failed(Pending p) {
        String reason = p.error != null ? Rpc.toJgoim(p.error).code().name() : "BAD_ANSWER";
        metrics.historyAppendFailures(reason).increment();
        long suppressed = failureLog.acquire();
        if (suppressed >= 0) {
            log.warn("history append for room {} failed ({}): {} messages sent without position{}", p.room, reason,
                    p.tasks.size(), RateLimitedLog.suppressedNote(suppressed));
        }
    }
}
