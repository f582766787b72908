package io.jgoim.common.health;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a node's readiness: ready or not, the reasons when not (one line per failing condition or
 * dependency), the node's conditions (true = holding, e.g. draining) and every dependency (read live for the body).
 */
public record Readiness(String node, boolean ready, List<String> reasons, Map<String, Boolean> conditions,
                        List<Dependency> dependencies) {
}
