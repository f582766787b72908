package io.jgoim.logic.http;

import java.util.concurrent.CompletableFuture;

/**
 * The code behind one {@link Route}: starts the work and returns its result, the {@code data} of the JSON reply.
 * Called on the event loop; must not block. A {@link io.jgoim.protocol.JgoimException} (thrown or as the failure)
 * becomes the reply's code.
 */
@FunctionalInterface
interface RouteHandler {
    CompletableFuture<?> handle(RouteRequest request);
}
