/**
 * The push entry point job calls (directly in standalone, through gRPC in a cluster): key pushes go through the
 * sessions' rings, room and broadcast pushes through {@link io.jgoim.comet.push.RoomBroadcaster} to each event loop's
 * fan-out queue, whose passes write one shared encoded frame to a room's members, joining what gathered for the room
 * while the loop was busy into one write per session (coalescing that follows the loop's load, no clock); every push
 * is encoded once. Reads the
 * session index, never changes it. Benchmarks can drive {@link io.jgoim.comet.push.RoomBroadcaster#deliver} on one
 * thread.
 */
package io.jgoim.comet.push;
