/**
 * Authentication of new sessions: comet forwards the auth frame's token to logic's Connect, and an
 * {@link io.jgoim.logic.auth.Authenticator} turns it into an identity or refuses it with a specific error code.
 * {@link io.jgoim.logic.auth.HmacSecret} is the one reader of HS256 secrets (inline, file, environment), shared with
 * the {@code jgoim token} command; {@link io.jgoim.logic.auth.UnsignedTokenWarning} says when unsigned goim tokens
 * are accepted from the network.
 */
package io.jgoim.logic.auth;
