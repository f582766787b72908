package io.jgoim.common.health;

import java.util.Map;

/** The result of the live checks: each check's name with {@code ok} or why it failed. Live when all are ok. */
public record Liveness(String node, Map<String, String> checks) {
    public boolean live() {
        return checks.values().stream().allMatch("ok"::equals);
    }
}
