package io.jgoim.logic.auth;

/**
 * Turns the auth frame's body (a token) into an {@link Identity}. Implementations: {@link GoimTokenAuthenticator}
 * (goim's plain JSON, compatibility) and {@link JwtAuthenticator} (signed tokens). Thread-safe, no I/O: called on
 * gRPC or HTTP threads for every Connect.
 */
public interface Authenticator {
    /**
     * @param token the token bytes as the client sent them
     * @return the session's identity
     * @throws io.jgoim.protocol.JgoimException when the token is refused; its code says why (TOKEN_MALFORMED,
     *         TOKEN_EXPIRED, TOKEN_BAD_SIGNATURE, TOKEN_ALG_NOT_ALLOWED, TOKEN_UNKNOWN_KEY, ...)
     */
    Identity authenticate(byte[] token);

    /**
     * As {@link #authenticate(byte[])}, for a session from {@code remoteAddr} (comet's {@code ConnectReq.remote_addr},
     * possibly empty); the goim authenticator uses it to warn about unsigned tokens from the network.
     */
    default Identity authenticate(byte[] token, String remoteAddr) {
        return authenticate(token);
    }
}
