/**
 * Distributed tracing with OpenTelemetry, off unless the {@code tracing:} section enables it: the per-node
 * {@link io.jgoim.common.tracing.Tracing} (tracer, W3C propagation, exporter, sampler), the carriers that move a
 * trace context across HTTP headers, Kafka record headers and gRPC metadata, and the scope that makes a span current
 * (the log encoder then writes its {@code trace_id}/{@code span_id} on the thread's lines). Every node's push path
 * (logic's HTTP push and Kafka produce, job's consume, dispatch and comet calls, the comet's fan-out, the comet →
 * logic auth) uses it.
 */
package io.jgoim.common.tracing;
