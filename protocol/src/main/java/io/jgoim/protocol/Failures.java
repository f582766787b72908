package io.jgoim.protocol;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that looks through the wrappers a {@link java.util.concurrent.CompletableFuture} puts around a
 * failure, and reads the {@link ErrorCode} a failure carries. Stateless; any thread.
 */
public final class Failures {
    private Failures() {
    }

    /** The failure inside any {@link CompletionException} / {@link ExecutionException} wrappers ({@code t} itself if none). */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The code of a (possibly wrapped) {@link JgoimException}, or {@code fallback} for any other failure. */
    public static ErrorCode code(Throwable t, ErrorCode fallback) {
        Throwable u = unwrap(t);
        return u instanceof JgoimException ? ((JgoimException) u).code() : fallback;
    }
}
