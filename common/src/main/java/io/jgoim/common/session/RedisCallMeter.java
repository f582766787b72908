package io.jgoim.common.session;

import io.jgoim.common.metrics.RedisStoreMeters;
import io.jgoim.common.redis.RedisClients;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Times every session-store call ({@link RedisStoreMeters}: {@code jgoim.redis.latency}, {@code jgoim.redis.errors},
 * tag store=sessions) and turns a Redis failure into an UNAVAILABLE {@link io.jgoim.protocol.JgoimException}: the one
 * edge the route calls of {@link RedisSessionDirectory} and the online reports of {@link RedisOnlineReports} share, so
 * both count alike.
 * Thread-safe; one per directory, shared by its tenant views.
 */
final class RedisCallMeter {
    private final RedisStoreMeters meters;

    /** @param registry where to record, or null for no meters */
    RedisCallMeter(MeterRegistry registry) {
        this.meters = new RedisStoreMeters(registry, "sessions", "session directory");
    }

    /** {@code stage}'s outcome, recorded as a call started at {@code startNanos}, its failure mapped to UNAVAILABLE. */
    <T> CompletableFuture<T> observe(CompletionStage<T> stage, long startNanos) {
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            meters.recordSince(startNanos);
            if (error != null) {
                meters.failed();
                out.completeExceptionally(RedisClients.toJgoim(error));
            } else {
                out.complete(value);
            }
        });
        return out;
    }

    /** {@code combine} applied to {@code futures} once all of them are done (their values read with join). */
    static <T, R> CompletableFuture<R> allOf(List<CompletableFuture<T>> futures,
                                             Function<List<CompletableFuture<T>>, R> combine) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .thenApply(ignored -> combine.apply(futures));
    }
}
