/**
 * The Kafka consumer of job: {@link io.jgoim.job.consume.PushConsumer} runs the poll loop (bounded in-flight records,
 * rebalances, stop and crash); {@code RecordHandler} turns each push or domain-event record into a push task, or
 * dead-letters what it cannot use ({@code DeadLetterPublisher}); {@code OffsetCommitter} commits an offset only after
 * every record up to it was accepted by the comets or dead-lettered ({@code PartitionTracker}, {@code OffsetSlot}):
 * at-least-once.
 */
package io.jgoim.job.consume;
