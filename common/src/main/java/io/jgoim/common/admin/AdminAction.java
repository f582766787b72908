package io.jgoim.common.admin;

import java.util.concurrent.CompletableFuture;

/**
 * The code behind one admin route: starts the action and returns its result, the reply's {@code data}. Called on
 * the admin listener's event loop; must not block. A {@link io.jgoim.protocol.JgoimException} (thrown or as the
 * failure) becomes the reply's code; anything else is a bug, answered INTERNAL.
 */
@FunctionalInterface
public interface AdminAction {
    CompletableFuture<?> run(AdminCall call);
}
