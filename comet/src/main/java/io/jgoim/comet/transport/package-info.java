/**
 * Listeners and pipelines: TCP (optionally TLS) and WebSocket (optionally TLS) connections are turned into goim
 * frames first, then share one handshake and one session handler. Epoll where available, NIO otherwise.
 */
package io.jgoim.comet.transport;
