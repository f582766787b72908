/**
 * Liveness and readiness of a node: {@link io.jgoim.common.health.NodeHealth} holds the node's dependencies (Redis,
 * Kafka, logic, the comet registry), each with a grace period, and the conditions that make a node unready at once
 * (a draining comet); {@link io.jgoim.common.health.HealthRoutes} answers {@code /health}, {@code /health/live} and
 * {@code /health/ready} on the admin port (comet, job) or the push API's port (logic, standalone), and the state is
 * exported as {@code jgoim_ready} and {@code jgoim_dependency_up}. The probes that feed dependencies live here too;
 * which node watches what is decided by each node's composition root (docs/operations.md, Health and readiness).
 */
package io.jgoim.common.health;
