/**
 * The push entry point job calls (directly in standalone, through gRPC in a cluster): key pushes go through the
 * sessions' rings, room and broadcast pushes through the per-loop fan-out; every push is encoded once.
 */
package io.jgoim.comet.push;
