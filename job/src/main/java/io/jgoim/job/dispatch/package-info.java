/**
 * The fan-out core of job: ordered lanes (hash of room or key), per-room millisecond batching, encode-once frames,
 * and one ordered, retried queue per lane and comet. Fed by the Kafka consumer and by the in-process bus alike.
 */
package io.jgoim.job.dispatch;
