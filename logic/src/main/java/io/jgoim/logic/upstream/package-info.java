/**
 * Upstream client messages (op 4 and business ops ≥ 1000, sent by comet through logic's Receive) routed by op to
 * what answers them: the Kafka upstream topic (goim's behaviour, the default), an HTTP backend whose reply body
 * becomes the client's reply, or the built-in comment handler that turns a comment into the room push of the
 * comment domain event. {@link io.jgoim.logic.upstream.UpstreamRouter} picks the first route whose ops match.
 */
package io.jgoim.logic.upstream;
