package io.jgoim.logic.push;

import io.jgoim.common.metrics.HistogramBuckets;
import io.jgoim.logic.KafkaConfig;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import io.jgoim.common.kafka.KafkaPaths;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes pushes (and upstream messages) to Kafka with {@code acks=all} and an idempotent producer. A future
 * completes only when Kafka acknowledged the record; when Kafka does not within {@code kafka.sendTimeout} (broker
 * down, no leader) it fails with UNAVAILABLE, so the API never reports a push accepted that Kafka does not hold.
 *
 * <p>{@link Producer#send} may block (up to {@code max.block.ms}) while metadata is missing or the buffer is full, so
 * sends run on one dedicated thread fed by a bounded queue, never on a Netty or gRPC thread; a full queue fails at
 * once, and a send that waited past its deadline in the queue fails without being sent. Record keys are chosen by
 * {@link PushService} (room id for room pushes, comet server for key/mid pushes). Thread-safe; owns the producer.
 *
 * <p>{@code kafka.sendTimeout} is a hard bound on the answer: the producer's own timeouts are not (a batch already
 * in flight when the broker dies is failed only after its request times out, so an answer could take up to twice
 * the timeout), so a timer fails every send that Kafka has not acknowledged by its deadline. Kafka may still store
 * such a record later: the caller was told 503 (not accepted) and a retry may then deliver the message twice
 * (at-least-once); {@code jgoim.kafka.send.late} counts those late acknowledgements. To keep them rare, a send that
 * spent more than half its time in the queue (the sender was blocked on a dead broker) fails without being sent.
 *
 * <p>A record published while a span is current (tracing on: the produce span) carries its W3C context in a
 * {@code traceparent} record header; job continues the trace from it. Old jobs ignore record headers.
 */
public final class KafkaPushPublisher implements PushPublisher, UpstreamPublisher {
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String bootstrap;
    private final String upstreamTopic;
    private final long sendTimeoutNanos;
    private final ThreadPoolExecutor sender;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Timer latency;
    private final Counter errors;
    private final Counter late;

    public KafkaPushPublisher(KafkaConfig config, String clientId, MeterRegistry registry) {
        this.topic = config.topic();
        this.bootstrap = config.bootstrapServers();
        this.upstreamTopic = config.upstreamTopic();
        this.sendTimeoutNanos = config.sendTimeout().toNanos();
        long timeoutMs = config.sendTimeout().toMillis();
        long lingerMs = config.linger().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(lingerMs));
        // The three bounds that make a dead Kafka fail within sendTimeout instead of the 2 min default:
        // delivery.timeout.ms >= linger.ms + request.timeout.ms is required by the producer.
        // A send blocked on missing metadata holds up the queue behind it: give it half the budget.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Math.max(1, timeoutMs / 2)));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs - lingerMs));
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        KafkaPaths.connections(p);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.maxPendingSends()), r -> {
                    Thread t = new Thread(r, "jgoim-kafka-send");
                    t.setDaemon(true);
                    return t;
                });
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jgoim-kafka-deadline");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        this.latency = HistogramBuckets.call(Timer.builder("jgoim.kafka.send.latency")
                .description("publish until Kafka acknowledged")).register(registry);
        this.errors = Counter.builder("jgoim.kafka.send.errors").description("publishes Kafka did not acknowledge")
                .register(registry);
        this.late = Counter.builder("jgoim.kafka.send.late")
                .description("records Kafka acknowledged after the send timeout (answered 503, stored anyway)")
                .register(registry);
    }

    /** The Kafka record header naming a declared tenant's push (absent: the default tenant). */
    public static final String TENANT_HEADER = "jgoim-tenant";

    @Override
    public CompletableFuture<Void> publish(String recordKey, PushMsg message) {
        return send(topic, recordKey, message.toByteArray(), message.getTenant());
    }

    @Override
    public CompletableFuture<Void> publishUpstream(String recordKey, byte[] value) {
        if (upstreamTopic.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return send(upstreamTopic, recordKey, value, "");
    }

    /**
     * Publishes {@code value} to {@code toTopic} with the same guarantees as a push (acknowledged, bounded by
     * {@code kafka.sendTimeout}): the built-in comment handler's events to the comment topic.
     */
    public CompletableFuture<Void> publishRecord(String toTopic, String key, byte[] value) {
        return send(toTopic, key, value, "");
    }

    /** {@code tenant}: a declared tenant's record also carries it in the {@code jgoim-tenant} header (tools). */
    private CompletableFuture<Void> send(String toTopic, String key, byte[] value, String tenant) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Headers traced = TraceHeaders.ofCurrent(); // read on the caller's thread, where its span is current
        if (!tenant.isEmpty()) {
            traced = traced == null ? new org.apache.kafka.common.header.internals.RecordHeaders() : traced;
            traced.add(TENANT_HEADER, tenant.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        Headers headers = traced;
        long start = System.nanoTime();
        ScheduledFuture<?> deadline;
        try {
            deadline = deadlines.schedule(() -> fail(done, new JgoimException(ErrorCode.UNAVAILABLE,
                    "kafka: no acknowledgement within " + sendTimeoutNanos / 1_000_000 + " ms" + brokerState())),
                    sendTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            fail(done, new JgoimException(ErrorCode.UNAVAILABLE, "kafka: publisher closed"));
            return done;
        }
        done.whenComplete((v, e) -> deadline.cancel(false));
        try {
            sender.execute(() -> {
                if (done.isDone()) {
                    return;
                }
                if (System.nanoTime() - start > sendTimeoutNanos / 2) {
                    fail(done, new JgoimException(ErrorCode.UNAVAILABLE, "kafka: send queue waited past the timeout"));
                    return;
                }
                try {
                    producer.send(new ProducerRecord<>(toTopic, null, key, value, headers), (metadata, error) -> {
                        if (error != null) {
                            fail(done, explain(error));
                        } else if (done.complete(null)) {
                            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                        } else {
                            late.increment();
                        }
                    });
                } catch (RuntimeException e) {
                    fail(done, explain(e));
                }
            });
        } catch (RejectedExecutionException e) {
            fail(done, new JgoimException(ErrorCode.UNAVAILABLE, "kafka: too many sends pending"));
        }
        return done;
    }

    private void fail(CompletableFuture<Void> done, JgoimException e) {
        if (done.completeExceptionally(e)) {
            errors.increment();
        }
    }

    /**
     * {@link #translate} with the reason an operator needs first: when the producer holds no connection to any
     * broker, a metadata timeout ("Topic … not present in metadata") means the brokers are unreachable, not that
     * the topic is missing.
     */
    private JgoimException explain(Throwable e) {
        if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
            String state = brokerState();
            if (!state.isEmpty()) {
                return new JgoimException(ErrorCode.UNAVAILABLE, "kafka:" + state.substring(1) + " (" + e.getMessage()
                        + ")", e);
            }
        }
        return translate(e);
    }

    /** {@code "; no broker reachable at <bootstrap>"} while the producer has no broker connection, else empty. */
    private String brokerState() {
        for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
            if ("connection-count".equals(m.getKey().name()) && "producer-metrics".equals(m.getKey().group())) {
                Object v = m.getValue().metricValue();
                return v instanceof Number && ((Number) v).doubleValue() == 0
                        ? "; no broker reachable at " + bootstrap : "";
            }
        }
        return "";
    }

    static JgoimException translate(Throwable e) {
        if (e instanceof RecordTooLargeException) {
            return new JgoimException(ErrorCode.PAYLOAD_TOO_LARGE, "kafka: " + e.getMessage(), e);
        }
        // Timeouts, lost leaders, closed producer: Kafka did not take the record.
        return new JgoimException(ErrorCode.UNAVAILABLE, "kafka: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
        deadlines.shutdown();
    }
}
