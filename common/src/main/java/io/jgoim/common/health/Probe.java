package io.jgoim.common.health;

import java.util.concurrent.CompletableFuture;

/**
 * One check of a dependency: the future completes normally when the dependency answered as it should, and
 * exceptionally (its message is the reason shown in /health) when it did not. Must not block the caller; the
 * {@link NodeHealth} bounds each check with {@code health.probeTimeout} and never runs two checks of one dependency
 * at once.
 */
@FunctionalInterface
public interface Probe {
    CompletableFuture<?> check();
}
