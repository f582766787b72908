/**
 * Streams and positions on the wire (jgoim extension, auth ver 3): the {@link io.jgoim.protocol.stream.Publications}
 * body of op 20, the {@link io.jgoim.protocol.stream.PositionList} that auth, auth reply, stream-state and ack frames
 * carry, and the {@link io.jgoim.protocol.stream.AuthBody} split of a token from the positions after it.
 * docs/protocol.md ("Streams and positions") draws the bytes.
 */
package io.jgoim.protocol.stream;
