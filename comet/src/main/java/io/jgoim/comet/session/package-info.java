/**
 * The session pipeline's own handlers, shared by both transports: {@link io.jgoim.comet.session.HandshakeHandler}
 * (auth through logic, bounded by {@link io.jgoim.comet.session.ConnectAdmission}) and
 * {@link io.jgoim.comet.session.SessionHandler} (ops after auth, registration in the index, the close). The handler
 * keeps the per-connection fields; its comet-wide, stateless collaborators live in
 * {@link io.jgoim.comet.session.SessionServices}: the op dispatch ({@link io.jgoim.comet.session.OpDispatch}, with
 * heartbeat, subscriptions (room, watched ops), upstream, stream requests, token refresh), the slow-consumer policy,
 * the {@link io.jgoim.comet.session.CloseOutcome} table and the goodbye; and in static helpers that cost a session
 * nothing: {@link io.jgoim.comet.session.SessionRegistration} (into and out of the index),
 * {@link io.jgoim.comet.session.SessionFailures} (a failure turned into a close),
 * {@link io.jgoim.comet.session.SlowConsumerClock} (the slow-consumer timer) and
 * {@link io.jgoim.comet.session.CodecHandOver}. Above the index and push; below transport,
 * which builds the pipelines, so nothing here knows how the bytes are framed.
 */
package io.jgoim.comet.session;
