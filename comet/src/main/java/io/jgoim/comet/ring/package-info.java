/**
 * The per-session outbound ring: the bounded mailbox through which key pushes reach a session's event loop. A full
 * ring drops the push (counted), so a slow session can never make the comet buffer without bound.
 */
package io.jgoim.comet.ring;
