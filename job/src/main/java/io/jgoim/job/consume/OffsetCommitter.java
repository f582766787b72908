package io.jgoim.job.consume;

import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.job.dispatch.PushDispatcher;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The at-least-once half of the consumer: one {@link PartitionTracker} per assigned partition, and the commits of
 * their done prefixes - asynchronously every {@code kafka.commitInterval} while polling, synchronously after a
 * revoked partition or the whole node drained. Draining flushes the open room batches first so nothing waits on a
 * batch window. Consumer thread only (commit callbacks run inside poll and commitSync, on that thread).
 */
final class OffsetCommitter {
    private static final Logger log = LoggerFactory.getLogger(OffsetCommitter.class);
    private static final long DRAIN_POLL_MS = 2;
    private static final long STALE_COMMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PushDispatcher dispatcher;
    private final long commitIntervalNanos;
    /** True once the node is crashing: a drain stops waiting. */
    private final BooleanSupplier abandoned;
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    /** A failing commit is logged at most every 10 s: a coordinator away fails every commit until it is back. */
    private final RateLimitedLog failureLog = new RateLimitedLog(Duration.ofSeconds(10));
    private long lastCommitNanos;
    /**
     * An asynchronous commit is outstanding. While the coordinator is away (a broker down, a path cut) the consumer
     * queues commits until it finds one and then fails them all at once; one at a time keeps that to one (commits
     * are cumulative: the next carries every offset the skipped ones would have).
     */
    private boolean commitInFlight;
    private long commitSentNanos;

    OffsetCommitter(KafkaConsumer<byte[], byte[]> consumer, PushDispatcher dispatcher, Duration commitInterval,
                    BooleanSupplier abandoned) {
        this.consumer = consumer;
        this.dispatcher = dispatcher;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.abandoned = abandoned;
    }

    /** The tracker of {@code tp}, or null when it is not assigned (any more). */
    PartitionTracker tracker(TopicPartition tp) {
        return trackers.get(tp);
    }

    /** The partitions tracked (assigned); a live view. */
    Set<TopicPartition> partitions() {
        return trackers.keySet();
    }

    /** A copy of {@link #partitions()}, for draining and committing all of them. */
    List<TopicPartition> allPartitions() {
        return List.copyOf(trackers.keySet());
    }

    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            trackers.putIfAbsent(tp, new PartitionTracker());
        }
    }

    /** Forgets {@code partitions} (revoked after their commit, or lost). */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            trackers.remove(tp);
        }
    }

    /**
     * Commits the done prefixes asynchronously, at most once per commit interval unless {@code force}, and never
     * while an earlier asynchronous commit is still unanswered (see {@code commitInFlight}).
     */
    void maybeCommit(boolean force) {
        long now = System.nanoTime();
        // (an answer overdue past 30 s no longer holds the next commit back: a callback that never comes cannot
        // stop the commits for good)
        if (commitInFlight && now - commitSentNanos < STALE_COMMIT_NANOS
                || !force && now - lastCommitNanos < commitIntervalNanos) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(trackers.keySet());
        if (!offsets.isEmpty()) {
            commitInFlight = true;
            commitSentNanos = now;
            consumer.commitAsync(offsets, (committed, error) -> {
                commitInFlight = false;
                if (error != null) {
                    long suppressed = failureLog.acquire();
                    if (suppressed >= 0) {
                        log.warn("offset commit failed (will retry with later offsets): {}{}", error.toString(),
                                RateLimitedLog.suppressedNote(suppressed));
                    }
                    return;
                }
                committed.forEach((tp, om) -> {
                    PartitionTracker t = trackers.get(tp);
                    if (t != null) {
                        t.committed(om.offset());
                    }
                });
            });
        }
    }

    /** Commits the done prefixes of {@code partitions} and waits for the answer; a failure is logged. */
    void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
            offsets.forEach((tp, om) -> trackers.get(tp).committed(om.offset()));
        } catch (RuntimeException e) {
            log.warn("offset commit of {} failed: {}", offsets, e.toString());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionTracker t = trackers.get(tp);
            if (t == null) {
                continue;
            }
            long c = t.committable();
            if (c > t.committed()) {
                offsets.put(tp, new OffsetAndMetadata(c));
            }
        }
        return offsets;
    }

    /** Waits (bounded) until the given partitions' records are all done; true when they are. */
    boolean drain(Collection<TopicPartition> partitions, Duration timeout) {
        dispatcher.flush(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean drained = true;
            for (TopicPartition tp : partitions) {
                PartitionTracker t = trackers.get(tp);
                if (t != null && !t.isDrained()) {
                    drained = false;
                    break;
                }
            }
            if (drained) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0 || abandoned.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(DRAIN_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
