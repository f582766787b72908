package io.jgoim.client;

import java.util.concurrent.CompletionStage;

/**
 * Supplies a fresh token for the open session shortly before the current one expires (the auth reply's and each
 * refresh reply's {@code "expires"}); the client sends it with op 23 ({@link JgoimClient#refreshToken}). Called on
 * the client's event loop: return at once with a stage that completes later (fetch the token asynchronously), never
 * block. A stage that fails is retried while time is left; if none comes in time the server closes the session with
 * TOKEN_EXPIRED (4014); the client then asks once more before it reconnects and authenticates with that token (with
 * the last one it holds when this stage fails too, which the server refuses). A first connect's attempt closed with
 * TOKEN_EXPIRED asks it the same way before its retry.
 */
@FunctionalInterface
public interface TokenRefresher {
    CompletionStage<byte[]> newToken();
}
