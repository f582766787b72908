/**
 * The goim v2 wire protocol: the frame ({@link io.jgoim.protocol.PacketLayout}), op codes, error and close codes,
 * and the Netty codecs every transport turns into {@link io.jgoim.protocol.Proto} frames before anything stateful.
 */
package io.jgoim.protocol;
