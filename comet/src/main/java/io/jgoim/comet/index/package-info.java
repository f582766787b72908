/**
 * The session index: {@link io.jgoim.comet.index.Session} (one authenticated connection and its outbound ring; it
 * writes through {@link io.jgoim.comet.index.PushWrite} and closes through
 * {@link io.jgoim.comet.index.SessionCloser}), the
 * buckets of sessions by key ({@link io.jgoim.comet.index.SessionTable}: no map node per session) and rooms by id
 * ({@link io.jgoim.comet.index.SessionIndex}, goim's buckets), rooms with
 * their members split by event loop in dense {@link io.jgoim.comet.index.MemberList}s, each loop's session list and
 * idle sweeper ({@link io.jgoim.comet.index.SessionLoops}). The session handler registers a session here after auth
 * and unregisters it on close; the push path only looks up and reads. A session's position (room, list slots) is
 * written only inside this package, on the session's event loop. Below push and session, above frame.
 */
package io.jgoim.comet.index;
