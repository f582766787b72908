/**
 * The fan-out core of job, fed by the Kafka consumer and by the in-process bus alike. {@link
 * io.jgoim.job.dispatch.PushDispatcher} hashes each {@link io.jgoim.job.dispatch.PushTask} (room or key) to one
 * ordered {@code Lane}: the lane is the agent (its thread, inbox, bounded drain per duty cycle, retry timers,
 * lifecycle) and its {@code PushRouter} decides what each push kind becomes (which comets; per-room millisecond
 * batches from {@code RoomBatcher}, given their stream positions by {@code RoomSequencer} when the room keeps history;
 * member-device lookups). Requests are encoded once ({@link
 * io.jgoim.job.dispatch.PushFrameEncoder}) and queued on one ordered, retried {@code CometLink} per lane and comet,
 * each call a {@code Send} under the lane's {@code CallPolicy}.
 */
package io.jgoim.job.dispatch;
