package io.jgoim.job.bus;

import io.jgoim.common.tracing.Tracing;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.dispatch.PushDispatcher;
import io.jgoim.job.dispatch.PushTask;
import io.jgoim.job.dispatch.PushValidator;
import io.jgoim.job.dispatch.TaskListener;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;

import io.opentelemetry.context.Context;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The standalone push bus: logic publishes straight into job's {@link PushDispatcher} (the same lanes, batching and
 * comet queues as the Kafka path), no Kafka. {@code publish} completes once the message is accepted into the ordered
 * pipeline; at most {@code capacity} messages may be in it at once, beyond that a publish fails with
 * {@link ErrorCode#RATE_LIMITED} instead of buffering without bound; after close it fails with
 * {@link ErrorCode#UNAVAILABLE}; an invalid message fails with {@link ErrorCode#BAD_PARAMETER}. Messages with the same
 * record key published from one thread are delivered in publish order. Thread-safe.
 */
public final class InProcessPushBus implements PushPublisher, TaskListener {
    private final PushDispatcher dispatcher;
    private final JobMetrics metrics;
    private final int capacity;
    private final Semaphore permits;
    private volatile boolean closed;

    public InProcessPushBus(PushDispatcher dispatcher, int capacity, JobMetrics metrics) {
        this.dispatcher = dispatcher;
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Void> publish(String recordKey, PushMsg message) {
        if (closed) {
            metrics.busRejected("closed").increment();
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "push bus is closed"));
        }
        String invalid = PushValidator.check(message);
        if (invalid != null) {
            metrics.busRejected("invalid").increment();
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER, invalid));
        }
        if (!permits.tryAcquire()) {
            metrics.busRejected("full").increment();
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.RATE_LIMITED,
                    "push bus full: " + capacity + " messages in flight"));
        }
        metrics.inFlight().incrementAndGet();
        PushTask task = PushTask.of(recordKey, message, this);
        if (dispatcher.tracing().enabled() && !Tracing.notSampled(Context.current())) {
            // The caller's span (logic's produce span) is current: the dispatch span is its child, as after Kafka.
            // An unsampled push gets none, as after Kafka (ConsumeSpans): nothing below it is recorded.
            task.traced(dispatcher.tracing().tracer().spanBuilder("job dispatch").startSpan());
        }
        dispatcher.dispatch(task);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onDone(PushTask task, boolean delivered) {
        metrics.inFlight().decrementAndGet();
        permits.release();
    }

    /** Messages accepted and not yet finished by the comets. */
    public int inFlight() {
        return capacity - permits.availablePermits();
    }

    /** Waits until every accepted message is finished; false on timeout. */
    public boolean drain(long timeout, TimeUnit unit) {
        dispatcher.flush(timeout, unit);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (inFlight() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Refuses new publishes; what was accepted is still delivered (the owner drains before stopping lanes). */
    @Override
    public void close() {
        closed = true;
    }
}
