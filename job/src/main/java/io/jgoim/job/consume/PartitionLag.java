package io.jgoim.job.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code jgoim_job_consumer_partition_lag{topic, partition}}: records between this job's position and the end of each
 * partition it owns, as the consumer last saw it. A gauge appears (at 0) when its partition is assigned and goes away
 * when it is revoked or lost, so each partition is reported by its one owner; the series are bounded by the topics'
 * partition counts. Written on the consumer thread only (rebalance callbacks run inside poll); read on scrape.
 */
final class PartitionLag {
    private final MeterRegistry registry;
    private final Map<TopicPartition, Slot> slots = new HashMap<>();

    private record Slot(AtomicLong lag, Gauge gauge) {
    }

    PartitionLag(MeterRegistry registry) {
        this.registry = registry;
    }

    void assigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            slots.computeIfAbsent(tp, p -> {
                AtomicLong lag = new AtomicLong();
                Gauge g = Gauge.builder("jgoim.job.consumer.partition.lag", lag, AtomicLong::get)
                        .tag("topic", p.topic()).tag("partition", Integer.toString(p.partition()))
                        .description("records behind the end of an assigned partition").register(registry);
                return new Slot(lag, g);
            });
        }
    }

    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            Slot s = slots.remove(tp);
            if (s != null) {
                registry.remove(s.gauge());
            }
        }
    }

    void forgetAll() {
        forget(new java.util.ArrayList<>(slots.keySet()));
    }

    /** The lag of {@code tp} as the consumer knows it now (a partition not assigned is ignored). */
    void set(TopicPartition tp, long lag) {
        Slot s = slots.get(tp);
        if (s != null) {
            s.lag().set(lag);
        }
    }
}
