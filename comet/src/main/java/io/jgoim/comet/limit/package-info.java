/**
 * Rate limits, bans and the client's real address on the comet's connect path (docs/operations.md, "Overload and
 * abuse"): the node's accept bucket and the per-address table checked at accept, before TLS, WebSocket or auth work
 * ({@link io.jgoim.comet.limit.ConnectLimits}); the per-session upstream and heartbeat rates the session handler
 * applies; the ban list operators read and lift ({@link io.jgoim.comet.limit.IpBans}). Every decision is a
 * {@link io.jgoim.comet.limit.Gcra} step on primitive state, allocation-free and safe across event loops. The
 * transport package applies the decisions to channels; this one knows nothing of Netty pipelines.
 */
package io.jgoim.comet.limit;
