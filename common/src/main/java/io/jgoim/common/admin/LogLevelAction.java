package io.jgoim.common.admin;

import io.jgoim.common.logging.LogLevels;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.handler.codec.http.HttpMethod;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Changing one logger's level at runtime, the one implementation behind logic's {@code POST /goim/admin/loglevel}
 * and the {@code POST /admin/loglevel} of comet's and job's admin ports: a bad logger or level (or the audit logger)
 * is BAD_PARAMETER, a logging backend that is not Logback UNAVAILABLE. {@link LogLevels} writes the audit line itself
 * (before the change), so the route is not audited a second time. Stateless.
 */
public final class LogLevelAction {
    /** The admin ports' route path. */
    public static final String PATH = AdminEndpoint.PREFIX + "loglevel";

    private LogLevelAction() {
    }

    /**
     * Sets the level and answers {@code {"logger":..,"previous":..,"level":..,"effective":..}} (previous/level null =
     * inherited).
     */
    public static Map<String, Object> set(LogLevels levels, String logger, String level, String by) {
        LogLevels.Change change;
        try {
            change = levels.set(logger, level, by);
        } catch (IllegalArgumentException e) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new JgoimException(ErrorCode.UNAVAILABLE, e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("logger", change.logger());
        out.put("previous", change.previous());
        out.put("level", change.level());
        out.put("effective", change.effective());
        return out;
    }

    /** {@code POST /admin/loglevel?logger=NAME&level=LEVEL} for an admin route table. */
    public static AdminRoutes.Route route(LogLevels levels) {
        return new AdminRoutes.Route(HttpMethod.POST, PATH, "loglevel", List.of("logger", "level"), false,
                call -> CompletableFuture.completedFuture(
                        set(levels, call.required("logger"), call.required("level"), call.by())));
    }
}
