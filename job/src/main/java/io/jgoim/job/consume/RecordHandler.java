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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one consumed record becomes: a push record (a {@link PushMsg}, validated) or a domain event (comment,
 * play-history) becomes a {@link PushTask} for the {@link PushDispatcher}; a record that cannot be pushed (empty,
 * undecodable, invalid, a bad event, an unknown topic, a bug) goes to the dead-letter topic with its reason. Either
 * way the record gets an {@link OffsetSlot} in its partition's tracker first, so it is committed only once done.
 * Consumer thread only.
 */
final class RecordHandler {
    private static final Logger log = LoggerFactory.getLogger(RecordHandler.class);

    private final String pushTopic;
    private final String commentTopic;
    private final String playHistoryTopic;
    private final PushDispatcher dispatcher;
    private final DomainEvents events;
    private final DeadLetterPublisher deadLetters;
    private final JobMetrics metrics;
    private final AtomicInteger inFlight;
    private final Map<String, Counter> consumedByTopic = new HashMap<>();
    /** Null when tracing is off. */
    private final ConsumeSpans spans;

    RecordHandler(JobConfig config, PushDispatcher dispatcher, DomainEvents events, DeadLetterPublisher deadLetters,
                  JobMetrics metrics) {
        this.pushTopic = config.kafka().pushTopic();
        this.commentTopic = config.events().comment().topic();
        this.playHistoryTopic = config.events().playHistory().topic();
        this.dispatcher = dispatcher;
        this.events = events;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.inFlight = metrics.inFlight();
        this.spans = dispatcher.tracing().enabled() ? new ConsumeSpans(dispatcher.tracing()) : null;
    }

    /**
     * Tracks {@code rec} in {@code tracker} (null when its partition is no longer assigned) and hands it on;
     * {@code polledAtMs} is when its poll returned (read once per poll).
     */
    void handle(ConsumerRecord<byte[], byte[]> rec, PartitionTracker tracker, long polledAtMs) {
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
            if (topic.equals(pushTopic)) {
                if (value == null || value.length == 0) {
                    deadLetters.send(rec, "undecodable", "empty record value", slot);
                    return;
                }
                PushMsg msg = PushMsg.parseFrom(value);
                metrics.consumeAge(msg.getCreatedAtMs(), polledAtMs);
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
        task.fromRecord(topic, rec.partition(), rec.offset());
        if (spans == null) {
            dispatcher.dispatch(task);
        } else {
            spans.dispatch(rec, task, dispatcher);
        }
    }
}
