package io.jgoim.logic.backend;

/**
 * What a backend answered: its HTTP status and its body (at most the configured limit). Immutable; the body array
 * is owned by the holder.
 */
public record BackendReply(int status, byte[] body) {
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
