/**
 * The comet node: holds client sessions (TCP, WebSocket, both optionally over TLS), authenticates them through logic
 * and delivers pushes from job. {@link io.jgoim.comet.CometServer} is the entry point, configured by
 * {@link io.jgoim.comet.CometConfig}.
 */
package io.jgoim.comet;
