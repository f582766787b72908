package io.jgoim.job.consume;

import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.dispatch.PushDispatcher;
import io.jgoim.job.event.DomainEvents;
import io.jgoim.common.kafka.KafkaPaths;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kafka side of job: one thread polls the push topic and the domain-event topics, turns each record into a push
 * task for the {@link PushDispatcher} (or dead-letters it), and commits an offset only once every record up to it is
 * done (accepted by the comets, given up after retries, or dead-lettered). What a record becomes is the
 * {@link RecordHandler}'s business and the offset bookkeeping the {@link OffsetCommitter}'s: offsets are committed
 * every {@code kafka.commitInterval}, on partition revocation (after the revoked partitions drained) and on stop.
 * This class owns the poll loop, its lifecycle and the rebalance callbacks. Polling pauses unless a whole poll fits
 * under {@code kafka.maxInFlightRecords}, so no more records than that are ever in flight. The KafkaConsumer is used
 * on the consumer thread only.
 */
public final class PushConsumer implements Runnable, ConsumerRebalanceListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PushConsumer.class);
    private static final long ERROR_BACKOFF_MS = 500;

    private final JobConfig config;
    private final JobConfig.KafkaConfig kafka;
    private final PushDispatcher dispatcher;
    private final DomainEvents events;
    private final JobMetrics metrics;
    private final AtomicInteger inFlight;
    private final PartitionLag partitionLag;
    private final Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private DeadLetterPublisher deadLetters;
    private RecordHandler records;
    private OffsetCommitter offsets;
    private volatile boolean running;
    private volatile boolean crashed;
    private boolean paused;
    /** When the lag was last read from the broker's end offsets (while paused). */
    private long pausedLagReadMs;
    private static final long PAUSED_LAG_REFRESH_MS = 1_000;
    private static final Duration PAUSED_LAG_TIMEOUT = Duration.ofMillis(500);

    public PushConsumer(JobConfig config, PushDispatcher dispatcher, DomainEvents events, JobMetrics metrics) {
        this.config = config;
        this.kafka = config.kafka();
        this.dispatcher = dispatcher;
        this.events = events;
        this.metrics = metrics;
        this.inFlight = metrics.inFlight();
        this.partitionLag = new PartitionLag(metrics.registry());
        this.thread = new Thread(this, "job-consumer");
        for (String topic : topics()) { // at zero from the start, as every other meter
            metrics.consumed(topic);
            for (String category : DeadLetterPublisher.CATEGORIES) {
                metrics.deadLettered(topic, category);
            }
        }
    }

    /** The topics consumed: the push topic and the enabled event topics. */
    public List<String> topics() {
        List<String> t = new ArrayList<>();
        t.add(kafka.pushTopic());
        if (config.events().comment().enabled()) {
            t.add(config.events().comment().topic());
        }
        if (config.events().playHistory().enabled()) {
            t.add(config.events().playHistory().topic());
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
        KafkaPaths.consumer(p);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = new DeadLetterPublisher(config, metrics);
        records = new RecordHandler(config, dispatcher, events, deadLetters, metrics);
        offsets = new OffsetCommitter(consumer, dispatcher, kafka.commitInterval(), () -> crashed);
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
                ConsumerRecords<byte[], byte[]> polled;
                try {
                    polled = consumer.poll(Duration.ofMillis(pollMs));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    // Keep the node alive through broker trouble; the client reconnects by itself.
                    log.warn("poll failed, retrying: {}", e.toString());
                    Thread.sleep(ERROR_BACKOFF_MS);
                    continue;
                }
                long polledAtMs = polled.isEmpty() ? 0 : System.currentTimeMillis();
                for (TopicPartition tp : polled.partitions()) {
                    PartitionTracker tracker = offsets.tracker(tp);
                    for (ConsumerRecord<byte[], byte[]> rec : polled.records(tp)) {
                        records.handle(rec, tracker, polledAtMs);
                    }
                }
                offsets.maybeCommit(false);
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

    private void updateLag() {
        if (paused) {
            updatePausedLag();
            return;
        }
        long lag = 0;
        for (TopicPartition tp : offsets.partitions()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                lag += l.getAsLong();
                partitionLag.set(tp, l.getAsLong());
            }
        }
        metrics.lag(lag);
    }

    /**
     * While the partitions are paused (the in-flight bound: comets stuck or slow) nothing is fetched, and the
     * fetch-based lag ({@code currentLag}) would stay at what the last fetch saw, however much arrives meanwhile:
     * the one moment an operator needs the lag it would be stale. So while paused the lag is the partitions' end
     * offsets, read from the broker at most once a second, minus the consumer's positions. A broker that does not
     * answer in time leaves the last figure.
     */
    private void updatePausedLag() {
        long now = System.currentTimeMillis();
        if (now - pausedLagReadMs < PAUSED_LAG_REFRESH_MS) {
            return;
        }
        pausedLagReadMs = now;
        Collection<TopicPartition> parts = offsets.partitions();
        if (parts.isEmpty()) {
            return;
        }
        long lag = 0;
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts, PAUSED_LAG_TIMEOUT);
            for (TopicPartition tp : parts) {
                Long end = ends.get(tp);
                if (end != null) {
                    long l = Math.max(0, end - consumer.position(tp, PAUSED_LAG_TIMEOUT));
                    lag += l;
                    partitionLag.set(tp, l);
                }
            }
        } catch (KafkaException e) {
            return; // no answer in time (the broker is down or slow): keep the last figure
        }
        metrics.lag(lag);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (crashed) {
            return;
        }
        // Finish what was taken from these partitions before the next owner starts from the committed offset: this
        // is what keeps order across a rebalance and loses nothing.
        if (!offsets.drain(partitions, kafka.revokeTimeout())) {
            log.warn("revoked partitions {} not drained within {}; the next owner may push some records again",
                    partitions, kafka.revokeTimeout());
        }
        offsets.commitSync(partitions);
        offsets.forget(partitions);
        partitionLag.forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        offsets.forget(partitions);
        partitionLag.forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        offsets.assigned(partitions);
        partitionLag.assigned(partitions);
        if (paused) {
            consumer.pause(partitions);
        }
        log.info("assigned {}", partitions);
    }

    /** Consumer thread, on stop: finish in-flight work, commit, close. */
    private void shutdown() {
        try {
            if (!offsets.drain(offsets.allPartitions(), config.shutdown().drainTimeout())) {
                log.warn("stopping with records in flight; they will be pushed again by the next owner");
            }
            deadLetters.flush();
            offsets.commitSync(offsets.allPartitions());
        } catch (RuntimeException e) {
            log.warn("clean stop failed: {}", e.toString());
        } finally {
            deadLetters.close();
            consumer.close(Duration.ofSeconds(5));
            partitionLag.forgetAll();
        }
    }

    /** Consumer thread, on crash: drop everything without committing. */
    private void abort() {
        deadLetters.abort();
        consumer.close(Duration.ZERO);
    }

    /** True while the poll loop runs (job's liveness): false before start, after stop, or once the loop died. */
    public boolean isPolling() {
        return running && thread.isAlive();
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
