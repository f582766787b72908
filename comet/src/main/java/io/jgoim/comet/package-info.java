/**
 * The comet node: holds client sessions (TCP, WebSocket, both optionally over TLS), authenticates them through logic
 * and delivers pushes from job. {@link io.jgoim.comet.CometServer} is the entry point, configured by
 * {@link io.jgoim.comet.config.CometConfig}.
 *
 * <p>The packages are layers, each importing only those below it (checked by {@code CometLayersTest}): config,
 * metrics, ring, frame, stream, index, push, session, transport, node, and this root package on top.
 */
package io.jgoim.comet;
