package io.jgoim.logic.admin;

import io.jgoim.protocol.rpc.CometAdminService;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The comets an operator's cluster action can reach, by node id. {@link #comet} fails NOT_FOUND for an id that is no
 * live comet; {@link #all} answers every live comet (draining ones included: they still hold sessions). Thread-safe.
 */
public interface CometControls extends AutoCloseable {
    CompletableFuture<CometAdminService> comet(String nodeId);

    /** Node id to its admin service, for every comet the registry holds now. */
    CompletableFuture<Map<String, CometAdminService>> all();

    /** A fixed set of in-process comets (standalone's one comet, tests). */
    static CometControls of(Map<String, CometAdminService> comets) {
        return new CometControls() {
            @Override
            public CompletableFuture<CometAdminService> comet(String nodeId) {
                CometAdminService c = comets.get(nodeId);
                return c == null ? CompletableFuture.failedFuture(RegistryCometControls.unknown(nodeId))
                        : CompletableFuture.completedFuture(c);
            }

            @Override
            public CompletableFuture<Map<String, CometAdminService>> all() {
                return CompletableFuture.completedFuture(Map.copyOf(comets));
            }
        };
    }

    @Override
    default void close() {
    }
}
