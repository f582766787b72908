package io.jgoim.job.consume;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.dispatch.PushDispatcher;
import io.jgoim.job.dispatch.PushTask;
import io.jgoim.job.dispatch.PushValidator;
import io.jgoim.job.event.DomainEvents;
import io.jgoim.job.event.EventException;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kafka side of job: one thread polls the push topic and the domain-event topics, turns each record into a push
 * task for the {@link PushDispatcher} (or dead-letters it), and commits an offset only once every record up to it is
 * done (accepted by the comets, given up after retries, or dead-lettered). Offsets are committed every
 * {@code kafka.commitInterval}, on partition revocation (after the revoked partitions drained) and on stop. Polling
 * pauses unless a whole poll fits under {@code kafka.maxInFlightRecords}, so no more records than that are ever in
 * flight. The KafkaConsumer is used on the consumer thread only.
 */
public final class PushConsumer implements Runnable, ConsumerRebalanceListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushConsumer.class);
    private static final long DRAIN_POLL_MS = 2;
    private static final long ERROR_BACKOFF_MS = 500;

    private final JobConfig config;
    private final JobConfig.KafkaConfig kafka;
    private final PushDispatcher dispatcher;
    private final DomainEvents events;
    private final JobMetrics metrics;
    private final String commentTopic;
    private final String playHistoryTopic;
    private final AtomicInteger inFlight;
    private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
    private final Map<String, Counter> consumedByTopic = new HashMap<>();
    private final Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private DeadLetterPublisher deadLetters;
    private volatile boolean running;
    private volatile boolean crashed;
    private boolean paused;
    private long lastCommitNanos;

    public PushConsumer(JobConfig config, PushDispatcher dispatcher, DomainEvents events, JobMetrics metrics) {
        this.config = config;
        this.kafka = config.kafka();
        this.dispatcher = dispatcher;
        this.events = events;
        this.metrics = metrics;
        this.inFlight = metrics.inFlight();
        this.commentTopic = config.events().comment().topic();
        this.playHistoryTopic = config.events().playHistory().topic();
        this.thread = new Thread(this, "job-consumer");
    }

    /** The topics consumed: the push topic and the enabled event topics. */
    public List<String> topics() {
        List<String> t = new ArrayList<>();
        t.add(kafka.pushTopic());
        if (config.events().comment().enabled()) {
            t.add(commentTopic);
        }
        if (config.events().playHistory().enabled()) {
            t.add(playHistoryTopic);
        }
        return t;
    }

    public void start() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.node().id());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, kafka.autoOffsetReset());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(kafka.maxPollRecords()));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(kafka.sessionTimeout().toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(kafka.sessionTimeout().toMillis() / 3));
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = new DeadLetterPublisher(config, metrics);
        running = true;
        thread.start();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics(), this);
            long pollMs = kafka.pollTimeout().toMillis();
            while (running) {
                // Fetch only when a whole poll fits under the in-flight bound, so that at most
                // maxInFlightRecords are ever uncommitted and unfinished (what a crash may push twice).
                boolean room = inFlight.get() + kafka.maxPollRecords() <= kafka.maxInFlightRecords();
                if (paused && room) {
                    consumer.resume(consumer.paused());
                    paused = false;
                } else if (!paused && !room) {
                    consumer.pause(consumer.assignment());
                    paused = true;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(pollMs));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    // Keep the node alive through broker trouble; the client reconnects by itself.
                    log.warn("poll failed, retrying: {}", e.toString());
                    Thread.sleep(ERROR_BACKOFF_MS);
                    continue;
                }
                for (TopicPartition tp : records.partitions()) {
                    PartitionTracker tracker = trackers.get(tp);
                    for (ConsumerRecord<byte[], byte[]> rec : records.records(tp)) {
                        handle(rec, tracker);
                    }
                }
                maybeCommit(false);
                updateLag();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!crashed) {
                log.error("consumer loop failed", e);
            }
        } finally {
            if (crashed) {
                abort();
            } else {
                shutdown();
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> rec, PartitionTracker tracker) {
        String topic = rec.topic();
        Counter c = consumedByTopic.get(topic);
        if (c == null) {
            c = metrics.consumed(topic);
            consumedByTopic.put(topic, c);
        }
        c.increment();
        OffsetSlot slot = new OffsetSlot(rec.offset(), inFlight);
        if (tracker != null) {
            tracker.add(slot);
        }
        byte[] value = rec.value();
        PushTask task;
        try {
            if (topic.equals(kafka.pushTopic())) {
                if (value == null || value.length == 0) {
                    deadLetters.send(rec, "undecodable", "empty record value", slot);
                    return;
                }
                PushMsg msg = PushMsg.parseFrom(value);
                String invalid = PushValidator.check(msg);
                if (invalid != null) {
                    deadLetters.send(rec, "invalid", invalid, slot);
                    return;
                }
                String key = rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8);
                task = PushTask.of(key, msg, slot);
            } else if (topic.equals(commentTopic)) {
                task = events.comment(value, rec.timestamp(), slot);
            } else if (topic.equals(playHistoryTopic)) {
                task = events.playHistory(value, rec.timestamp(), slot);
            } else {
                deadLetters.send(rec, "unknown_topic", "no handler for topic " + topic, slot);
                return;
            }
        } catch (InvalidProtocolBufferException e) {
            deadLetters.send(rec, "undecodable", "not a PushMsg: " + e.getMessage(), slot);
            return;
        } catch (EventException e) {
            deadLetters.send(rec, "bad_event", e.getMessage(), slot);
            return;
        } catch (RuntimeException e) {
            // A record that trips a bug must not block its partition: set it aside with the reason.
            log.error("cannot handle {}-{}@{}", topic, rec.partition(), rec.offset(), e);
            deadLetters.send(rec, "internal", e.toString(), slot);
            return;
        }
        dispatcher.dispatch(task);
    }

    private void maybeCommit(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastCommitNanos < kafka.commitInterval().toNanos()) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(trackers.keySet());
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("offset commit failed (will retry with later offsets): {}", error.toString());
                    return;
                }
                committed.forEach((tp, om) -> {
                    PartitionTracker t = trackers.get(tp);
                    if (t != null && om.offset() > t.committed) {
                        t.committed = om.offset();
                    }
                });
            });
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
            if (c > t.committed) {
                offsets.put(tp, new OffsetAndMetadata(c));
            }
        }
        return offsets;
    }

    private void updateLag() {
        long lag = 0;
        for (TopicPartition tp : trackers.keySet()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                lag += l.getAsLong();
            }
        }
        metrics.lag(lag);
    }

    /** Waits (bounded) until the given partitions' records are all done; true when they are. */
    private boolean drain(Collection<TopicPartition> partitions, Duration timeout) {
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
            if (System.nanoTime() - deadline >= 0 || crashed) {
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

    private void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
            offsets.forEach((tp, om) -> trackers.get(tp).committed = om.offset());
        } catch (RuntimeException e) {
            log.warn("offset commit of {} failed: {}", offsets, e.toString());
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (crashed) {
            return;
        }
        // Finish what was taken from these partitions before the next owner starts from the committed offset: this
        // is what keeps order across a rebalance and loses nothing.
        if (!drain(partitions, kafka.revokeTimeout())) {
            log.warn("revoked partitions {} not drained within {}; the next owner may push some records again",
                    partitions, kafka.revokeTimeout());
        }
        commitSync(partitions);
        for (TopicPartition tp : partitions) {
            trackers.remove(tp);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            trackers.remove(tp);
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            trackers.putIfAbsent(tp, new PartitionTracker());
        }
        if (paused) {
            consumer.pause(partitions);
        }
        log.info("assigned {}", partitions);
    }

    /** Consumer thread, on stop: finish in-flight work, commit, close. */
    private void shutdown() {
        try {
            if (!drain(List.copyOf(trackers.keySet()), config.shutdown().drainTimeout())) {
                log.warn("stopping with records in flight; they will be pushed again by the next owner");
            }
            deadLetters.flush();
            commitSync(List.copyOf(trackers.keySet()));
        } catch (RuntimeException e) {
            log.warn("clean stop failed: {}", e.toString());
        } finally {
            deadLetters.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Consumer thread, on crash: drop everything without committing. */
    private void abort() {
        deadLetters.abort();
        consumer.close(Duration.ZERO);
    }

    /** Stops polling, finishes in-flight pushes (bounded by shutdown.drainTimeout), commits, closes. Idempotent. */
    @Override
    public void close() {
        stopThread(false);
    }

    /** Test hook simulating kill -9: stops at once, commits nothing more, abandons in-flight work. */
    public void crash() {
        stopThread(true);
    }

    private void stopThread(boolean crash) {
        if (consumer == null) {
            return;
        }
        if (crash) {
            crashed = true;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(config.shutdown().drainTimeout().toMillis() + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
