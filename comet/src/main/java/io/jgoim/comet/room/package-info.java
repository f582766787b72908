/**
 * Rooms and the fan-out core: each room keeps its members split by event loop in dense lists, and
 * {@link io.jgoim.comet.room.RoomBroadcaster} writes one shared encoded frame to them with one task per loop.
 * Benchmarks can drive {@link io.jgoim.comet.room.RoomBroadcaster#deliver} directly on one thread.
 */
package io.jgoim.comet.room;
