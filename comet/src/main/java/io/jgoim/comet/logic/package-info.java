/**
 * How a comet reaches logic: one gRPC channel balanced round-robin over every live logic node — from the logic-node
 * registry, a DNS name, or a fixed list — with gRPC health checking (a node going NOT_SERVING at its stop takes no
 * new calls) and retries of the idempotent calls on another node when one is unavailable.
 */
package io.jgoim.comet.logic;
