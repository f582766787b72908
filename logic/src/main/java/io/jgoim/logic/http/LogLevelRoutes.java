package io.jgoim.logic.http;

import io.jgoim.common.admin.LogLevelAction;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.common.http.access.ApiKeyring;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /goim/admin/loglevel?logger=NAME&level=LEVEL}: changes one logger's level in this logic process while
 * it runs (API-key scope {@code admin}, checked by {@link ApiGate} like every admin route). The change is written to
 * the audit logger first, naming the caller's key id and address. A bad logger or level, or the audit logger itself,
 * is BAD_PARAMETER; a process whose logging backend is not Logback answers UNAVAILABLE and changes nothing (the
 * change itself is {@link LogLevelAction}'s, shared with comet's and job's admin ports).
 * Thread-safe (called on the listener's event loops).
 */
final class LogLevelRoutes {
    private final LogLevels levels;
    private final ApiKeyring keyringOrNull;

    /** @param keyringOrNull the API keys (to name the caller in the audit line), null for an open API */
    LogLevelRoutes(LogLevels levels, ApiKeyring keyringOrNull) {
        this.levels = levels;
        this.keyringOrNull = keyringOrNull;
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.ADMIN_LOGLEVEL, this::set);
    }

    /** {@code {"logger":..,"previous":..,"level":..,"effective":..}}; previous/level null = inherited. */
    private CompletableFuture<?> set(RouteRequest r) {
        String by = (keyringOrNull == null ? "the open API" : "API key " + keyringOrNull.match(r.headers()).id())
                + " from " + r.clientIp();
        Map<String, Object> out = LogLevelAction.set(levels, r.text("logger"), r.text("level"), by);
        return CompletableFuture.completedFuture(out);
    }
}
