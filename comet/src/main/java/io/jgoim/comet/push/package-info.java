/**
 * The push entry point job calls (directly in standalone, through gRPC in a cluster): key pushes go through the
 * sessions' rings, room and broadcast pushes through {@link io.jgoim.comet.push.RoomBroadcaster}, which writes one
 * shared encoded frame to a room's members with one task per event loop; every push is encoded once. Reads the
 * session index, never changes it. Benchmarks can drive {@link io.jgoim.comet.push.RoomBroadcaster#deliver} on one
 * thread.
 */
package io.jgoim.comet.push;
