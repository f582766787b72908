/**
 * Listeners' pipelines: TCP (optionally TLS) and WebSocket (optionally TLS) connections are turned into goim frames
 * first, then share one handshake and one session handler. A WebSocket upgrade request that cannot be read, or is
 * not an HTTP/1.1 version-13 upgrade, is answered and closed first
 * ({@link io.jgoim.comet.transport.UpgradeRequestCheck}); the others pass the Origin allow-list
 * ({@link io.jgoim.comet.transport.OriginCheckHandler}). The upgrade's glue (dropping the origin check, the
 * 404 responder and Netty's protocol handler) is {@link io.jgoim.comet.transport.WsSessionCodec}'s own business.
 * A connection refused by a limit before its handshake ({@link io.jgoim.comet.transport.ConnectGate}) gets a
 * pipeline of its own and never reaches the session handlers: the raw refusal or, on a plain WebSocket listener by
 * default, the upgrade completed and closed with the code ({@link io.jgoim.comet.transport.RefusedUpgrade}).
 * Epoll where available, NIO otherwise. What every idle session keeps is kept small here: one read-size handle
 * object per channel ({@link io.jgoim.comet.transport.SessionRecvAllocator}) and one local-address object per
 * listener address ({@link io.jgoim.comet.transport.SharedLocalAddress}); after auth the session handler leaves the
 * pipeline and the codec (a {@link io.jgoim.protocol.FrameReceiver.Host}) calls it directly, one pipeline context
 * less. Above session: it assembles the session handlers, they never see it.
 */
package io.jgoim.comet.transport;
