/**
 * The node's observability plumbing shared by comet, logic and job: the admin HTTP endpoint (/metrics, /health), the
 * process meters every node binds ({@link io.jgoim.common.metrics.NodeMeters}), the event-loop queue gauges and the
 * call meters of the Redis-backed stores ({@link io.jgoim.common.metrics.RedisStoreMeters}).
 */
package io.jgoim.common.metrics;
