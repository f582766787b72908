/**
 * The job node: consumes pushes (Kafka or the in-process bus) and domain events, and fans them out to the comets in
 * order per room and per key, at least once, with millisecond room batching. Entry points: {@link
 * io.jgoim.job.JobServer}, {@link io.jgoim.job.JobConfig}.
 */
package io.jgoim.job;
