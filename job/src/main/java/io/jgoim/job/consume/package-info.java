/**
 * The Kafka consumer of job: polls the push and domain-event topics, dispatches records, dead-letters the ones it
 * cannot use, and commits offsets only after the comets accepted the pushes (at-least-once).
 */
package io.jgoim.job.consume;
