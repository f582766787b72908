package io.jgoim.client;

import java.util.concurrent.CompletionStage;

/**
 * Supplies a fresh token for the open session shortly before the current one expires (the auth reply's and each
 * refresh reply's {@code "expires"}); the client sends it with op 23 ({@link JgoimClient#refreshToken}). Called on
 * the client's event loop: return at once with a stage that completes later (fetch the token asynchronously), never
 * block. A stage that fails is retried while time is left; if none comes in time the server closes the session with
 * TOKEN_EXPIRED (4014) and the client reconnects with the last token it holds.
 */
@FunctionalInterface
public interface TokenRefresher {
    CompletionStage<byte[]> newToken();
}
