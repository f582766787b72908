/**
 * The node's observability plumbing shared by comet, logic and job: the admin HTTP endpoint (/metrics, /health), the
 * process meters every node binds ({@link io.jgoim.common.metrics.NodeMeters}) and the event-loop queue gauges.
 */
package io.jgoim.common.metrics;
