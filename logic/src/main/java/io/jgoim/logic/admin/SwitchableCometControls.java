package io.jgoim.logic.admin;

import io.jgoim.protocol.rpc.CometAdminService;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The comets logic's admin routes use: the node registry's over gRPC by default, replaced by in-process ones where
 * the comet lives in the same JVM (standalone, whose comet starts after logic and serves no gRPC). Closing closes
 * the default and the current one. Thread-safe: the current one is volatile.
 */
public final class SwitchableCometControls implements CometControls {
    private final CometControls initial;
    private volatile CometControls current;

    public SwitchableCometControls(CometControls initial) {
        this.initial = initial;
        this.current = initial;
    }

    /** Uses {@code comets} from now on. */
    public void use(CometControls comets) {
        this.current = comets;
    }

    @Override
    public CompletableFuture<CometAdminService> comet(String nodeId) {
        return current.comet(nodeId);
    }

    @Override
    public CompletableFuture<Map<String, CometAdminService>> all() {
        return current.all();
    }

    @Override
    public void close() {
        initial.close();
        current.close();
    }
}
