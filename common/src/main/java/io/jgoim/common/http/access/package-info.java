/**
 * Who may call logic's push API: the configured API keys ({@code http.apiKeys}, held only as SHA-256 hashes), each
 * with its scopes ({@link io.jgoim.common.http.access.ApiScope}) and its own rate ({@link
 * io.jgoim.common.http.access.TokenBucket}). {@link io.jgoim.common.http.access.ApiKeyring} finds the key a request
 * presents; the HTTP layer ({@code io.jgoim.logic.http}) turns the outcome into a 401, 403 or 429 before any route
 * runs. Nothing here knows HTTP replies, so the limiter and the hash check stay testable on their own.
 */
package io.jgoim.common.http.access;
