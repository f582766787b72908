/**
 * Domain events (comment, play-history) consumed from their Kafka topics and turned into room and member pushes; the
 * schemas are in docs/events.md. A bad event is dead-lettered with the reason.
 */
package io.jgoim.job.event;
