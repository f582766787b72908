package io.jgoim.common.health;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A live check: an empty task on every event loop of the groups runs. A loop that is stuck (a blocking call, an
 * endless loop) never runs it, and the check fails after {@code health.liveTimeout}.
 */
public final class EventLoopsCheck implements Supplier<CompletableFuture<?>> {
    private final Supplier<? extends Iterable<? extends EventExecutorGroup>> groups;

    /** @param groups the groups to check, read at each check (null entries are skipped: not started yet) */
    public EventLoopsCheck(Supplier<? extends Iterable<? extends EventExecutorGroup>> groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<?> get() {
        List<CompletableFuture<Void>> ran = new ArrayList<>();
        for (EventExecutorGroup g : groups.get()) {
            if (g == null) {
                continue;
            }
            if (g.isShuttingDown()) {
                return CompletableFuture.failedFuture(new IllegalStateException("event loops are shutting down"));
            }
            for (EventExecutor loop : g) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                try {
                    loop.execute(() -> f.complete(null));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
                ran.add(f);
            }
        }
        return CompletableFuture.allOf(ran.toArray(new CompletableFuture<?>[0]));
    }
}
