/**
 * Sessions: the handshake (auth through logic) and the session handler (heartbeats, rooms, watched ops, upstream,
 * slow-consumer policy, close codes) shared by both transports, and {@link io.jgoim.comet.session.Session}, the
 * per-connection state the push path writes to.
 */
package io.jgoim.comet.session;
