package io.jgoim.job;

import io.jgoim.common.metrics.HistogramBuckets;
import io.jgoim.common.metrics.TenantLabels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job's meters (Prometheus names after the {@code jgoim_job_} prefix): records consumed, pushes per comet and
 * type, failures, retries, batch sizes, consumer lag, in-flight records, dead-lettered records, failed history
 * appends and the end-to-end age of a push. Thread-safe; counters are cached per tag set so the hot path does no
 * registry lookup after warm-up.
 */
public final class JobMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final DistributionSummary batchMessages;
    private final DistributionSummary batchBytes;
    private final Timer pushAge;
    private final Timer consumeAge;
    private final AtomicLong lag = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final TenantLabels.Counters tenantPushes;
    private final TenantLabels.Counters tenantDelivered;

    /** Pushes taken from the bus, by tenant: resolved once per push. */
    public TenantLabels.Counters tenantPushes() {
        return tenantPushes;
    }

    /** Sessions delivered to, by the push's tenant: resolved once per comet call. */
    public TenantLabels.Counters tenantDelivered() {
        return tenantDelivered;
    }

    public JobMetrics(MeterRegistry registry) {
        this(registry, TenantLabels.none());
    }

    /** {@code tenants}: the values of the tenant meters' {@code tenant} label, each registered at zero now. */
    public JobMetrics(MeterRegistry registry, TenantLabels tenants) {
        this.registry = registry;
        this.tenantPushes = tenants.counters(registry, "jgoim.job.tenant.pushes",
                "pushes taken from the bus, by tenant (default, the declared tenants, other)");
        this.tenantDelivered = tenants.counters(registry, "jgoim.job.tenant.sessions.delivered",
                "sessions comets reported a push written to (room calls under comet.roomAck=accepted: handed to the "
                        + "comet's event loops), by the push's tenant (counted once per comet call)");
        this.batchMessages = HistogramBuckets.batch(DistributionSummary.builder("jgoim.job.batch.messages")
                .description("room messages per batch sent to comets"))
                .register(registry);
        this.batchBytes = DistributionSummary.builder("jgoim.job.batch.bytes")
                .description("bytes of encoded frames per room batch")
                .baseUnit("bytes")
                .register(registry);
        this.pushAge = HistogramBuckets.age(Timer.builder("jgoim.job.push.age")
                .description("from PushMsg.created_at_ms (logic accepted it) to the comet accepting the push"))
                .register(registry);
        this.consumeAge = HistogramBuckets.age(Timer.builder("jgoim.job.consume.age")
                .description("from PushMsg.created_at_ms (logic accepted it) to job polling its record: the Kafka "
                        + "leg (producer batching, the broker, the consumer's fetch) of jgoim.job.push.age"))
                .register(registry);
        Gauge.builder("jgoim.job.consumer.lag", lag, AtomicLong::get)
                .description("records behind the end of the assigned partitions, summed")
                .register(registry);
        Gauge.builder("jgoim.job.inflight.records", inFlight, AtomicInteger::get)
                .description("records dispatched and not yet accepted by comets (or dead-lettered)")
                .register(registry);
        registerKnownLabels();
    }

    /**
     * Puts the counters whose label values are known in advance at zero, so every series a dashboard or an alert
     * names exists before the first push or failure. Per-comet counters follow when a comet is first linked
     * ({@link #cometLinked}); Kafka topics when the consumer is built. A failure code not listed here (one a comet
     * rarely answers) still gets its series on first use, under the same metric name.
     */
    private void registerKnownLabels() {
        for (String type : TYPES) {
            noTarget(type);
            failures("job", type, "INTERNAL");
        }
        for (String code : CALL_FAILURES) {
            failures("sessions", "push", code);
            historyAppendFailures(code);
        }
        historyAppendFailures("BAD_ANSWER");
        historyAppendRetries();
        for (String reason : new String[] {"closed", "invalid", "full"}) {
            busRejected(reason);
        }
    }

    /** The push types job tags by (Send.Kind's tags, PushMsg.Type lowercased). */
    private static final String[] TYPES = {"push", "room", "broadcast"};
    /** The failure codes of calls to a comet, Redis or the history store that dashboards watch. */
    private static final String[] CALL_FAILURES = {"UNAVAILABLE", "TIMEOUT"};

    /** Registers the counters of one comet at zero (its link's pushes, calls, sessions, retries and failures). */
    public void cometLinked(String comet) {
        for (String type : TYPES) {
            pushes(comet, type);
            calls(comet, type);
            for (String code : CALL_FAILURES) {
                failures(comet, type, code);
            }
        }
        retries(comet);
        for (String result : new String[] {"delivered", "dropped", "missing"}) {
            sessions(comet, result);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A cached counter; {@code tags} are name/value pairs. */
    public Counter counter(String name, String description, String... tags) {
        String id = cacheKey(name, tags);
        Counter c = counters.get(id);
        if (c == null) {
            c = counters.computeIfAbsent(id, k -> Counter.builder(name).description(description).tags(tags)
                    .register(registry));
        }
        return c;
    }

    private static String cacheKey(String name, String... tags) {
        if (tags.length == 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name);
        for (String t : tags) {
            sb.append('\u0000').append(t);
        }
        return sb.toString();
    }

    public Counter consumed(String topic) {
        return counter("jgoim.job.records.consumed", "records read from Kafka", "topic", topic);
    }

    /** Messages a comet accepted, by push type (push, room, broadcast). */
    public Counter pushes(String comet, String type) {
        return counter("jgoim.job.pushes", "messages accepted by a comet", "comet", comet, "type", type);
    }

    /** Calls to a comet (a room batch is one call). */
    public Counter calls(String comet, String type) {
        return counter("jgoim.job.comet.calls", "calls accepted by a comet", "comet", comet, "type", type);
    }

    /** Messages given up for one comet after retries (or not retryable), by error code. */
    public Counter failures(String comet, String type, String code) {
        return counter("jgoim.job.push.failures", "messages a comet did not accept after retries", "comet", comet,
                "type", type, "code", code);
    }

    /**
     * Sessions a comet reported for accepted pushes: delivered, dropped (slow consumer), missing (key not held). Room
     * calls under {@code comet.roomAck: accepted} are answered before the writes: delivered then counts the members
     * the batch was handed to and nothing is dropped (the comet's jgoim_comet_pushes_delivered / _drops count writes).
     */
    public Counter sessions(String comet, String result) {
        return counter("jgoim.job.comet.sessions", "sessions reached per comet reply (room calls under "
                + "comet.roomAck=accepted: members handed to the comet's event loops, none dropped; the comet's own "
                + "meters count the writes)", "comet", comet, "result", result);
    }

    public Counter retries(String comet) {
        return counter("jgoim.job.retries", "comet calls retried", "comet", comet);
    }

    /**
     * Offers to {@code comet} refused locally by its client-side adaptive throttle (not attempts: each send waits at
     * the head of its queue and is offered again; a send refused five times counts five).
     */
    public Counter throttled(String comet) {
        return counter("jgoim.job.throttle.rejected", "comet calls refused locally by adaptive throttling (offered"
                + " again after a backoff, never given up)", "comet", comet);
    }

    /** Messages with no comet to go to (unknown server, room hosted nowhere, no comets, nobody online). */
    public Counter noTarget(String type) {
        return counter("jgoim.job.push.no_target", "messages that had no comet to go to", "type", type);
    }

    public Counter deadLettered(String topic, String reason) {
        return counter("jgoim.job.dead_lettered", "records sent to the dead-letter topic", "topic", topic,
                "reason", reason);
    }

    /**
     * Room batches sent without a position because their history append failed or timed out, by error code
     * (TIMEOUT, UNAVAILABLE, ...).
     */
    public Counter historyAppendFailures(String reason) {
        return counter("jgoim.job.history.append.failures", "room batches sent without position: append failed",
                "reason", reason);
    }

    /** Room batch appends repeated (same record ids) after a failure or a timeout that may have run anyway. */
    public Counter historyAppendRetries() {
        return counter("jgoim.job.history.append.retries",
                "room batch appends repeated with the same record ids after a failure or timeout");
    }

    public Counter busRejected(String reason) {
        return counter("jgoim.job.bus.rejected", "in-process publishes refused", "reason", reason);
    }

    public DistributionSummary batchMessages() {
        return batchMessages;
    }

    public DistributionSummary batchBytes() {
        return batchBytes;
    }

    /** Records the age of a message whose creation time is {@code createdAtMs} (0 = unknown, ignored). */
    public void pushAge(long createdAtMs, long nowMs) {
        if (createdAtMs > 0 && nowMs >= createdAtMs) {
            pushAge.record(nowMs - createdAtMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Records how old a push record was when polled ({@code createdAtMs} 0 = unknown, ignored). */
    public void consumeAge(long createdAtMs, long polledAtMs) {
        if (createdAtMs > 0 && polledAtMs >= createdAtMs) {
            consumeAge.record(polledAtMs - createdAtMs, TimeUnit.MILLISECONDS);
        }
    }

    public Timer pushAgeTimer() {
        return pushAge;
    }

    public void lag(long value) {
        lag.set(value);
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }
}
