/**
 * Authentication of new sessions: comet forwards the auth frame's token to logic's Connect, and an
 * {@link io.jgoim.logic.auth.Authenticator} turns it into an identity or refuses it with a specific error code.
 */
package io.jgoim.logic.auth;
