/**
 * Measurement for load runs: the payload format (send time + sequence), epoch clock, latency recorders and per-second
 * samples ({@link io.jgoim.loadtest.metrics.RunMetrics}), loss/duplicate/order tracking, and /proc readings of the
 * server.
 */
package io.jgoim.loadtest.metrics;
