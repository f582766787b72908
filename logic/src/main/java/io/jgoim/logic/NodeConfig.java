package io.jgoim.logic;

import io.jgoim.common.config.Checks;

/** This node's identity. */
public record NodeConfig(String id) {
    public NodeConfig {
        Checks.notBlank(id, "node.id");
    }
}
