package io.jgoim.comet.admin;

import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Runs a visit over sessions on their own event loops, one task per loop (the index mutates a loop's lists only
 * there, so a walk needs no lock), and gathers the per-loop results. A loop that is shutting down contributes
 * nothing. Stateless.
 */
final class LoopWalk {
    private LoopWalk() {
    }

    /**
     * Calls {@code visit} for each session of {@code lists.apply(i)} on loop i, into a fresh accumulator per loop;
     * completes with the accumulators of every loop. Walks backwards: a session leaving its list (a kick closing it
     * synchronously) is replaced by the last one, already visited.
     */
    static <A> CompletableFuture<List<A>> walk(SessionLoops loops, Function<Integer, MemberList> lists,
                                               java.util.function.Supplier<A> fresh, BiConsumer<A, Session> visit) {
        List<CompletableFuture<A>> parts = new ArrayList<>(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            int loop = i;
            EventExecutor executor = loops.loop(i);
            CompletableFuture<A> part = new CompletableFuture<>();
            parts.add(part);
            if (executor.isShuttingDown()) {
                part.complete(fresh.get());
                continue;
            }
            try {
                executor.execute(() -> {
                    A acc = fresh.get();
                    try {
                        MemberList list = lists.apply(loop);
                        if (list != null) {
                            for (int j = list.size() - 1; j >= 0; j--) {
                                if (j < list.size()) {
                                    visit.accept(acc, list.get(j));
                                }
                            }
                        }
                        part.complete(acc);
                    } catch (RuntimeException e) {
                        part.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                part.complete(fresh.get());
            }
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<A> out = new ArrayList<>(parts.size());
            parts.forEach(p -> out.add(p.join()));
            return out;
        });
    }

    static JgoimException bad(String message) {
        return new JgoimException(ErrorCode.BAD_PARAMETER, message);
    }
}
