package io.jgoim.common.admin;

import io.jgoim.common.logging.LogLevels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit line of an admin action, one per action at INFO on {@value LogLevels#AUDIT_LOGGER} (the logger whose level
 * no runtime change can lower, as for log-level changes): {@code admin <action> <target> by <who>: <result>}, where
 * who is an API key id and an address, never a key. Stateless.
 */
public final class AdminAudit {
    private static final Logger audit = LoggerFactory.getLogger(LogLevels.AUDIT_LOGGER);

    private AdminAudit() {
    }

    public static void record(String action, String target, String by, String result) {
        audit.info("admin {} {} by {}: {}", action, target.isEmpty() ? "-" : target, by, result);
    }
}
