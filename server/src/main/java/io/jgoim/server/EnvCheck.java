package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.common.config.Nearest;
import io.jgoim.job.JobConfig;
import io.jgoim.logic.LogicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Warns about {@code JGOIM_*} environment variables that no node reads: a typo ({@code JGOIM_TCP_PROT}) is otherwise
 * ignored without a word. A name is known when it is the env name of a key of any node's config (one host's
 * environment is often shared by a comet, a logic and a job, so "not this node's" is no mistake), a secret's
 * {@code env:NAME} reference in the defaults or the operator's file, or one of the launcher's own variables.
 */
final class EnvCheck {
    private static final Logger log = LoggerFactory.getLogger(EnvCheck.class);

    /** Read by bin/jgoim, benchmarks/run.sh and the CLI, not by a node's config. */
    static final Set<String> NOT_CONFIG = Set.of("JGOIM_JAVA_OPTS", "JGOIM_JAR", "JGOIM_COMMIT", "JGOIM_DEBUG");

    private EnvCheck() {
    }

    /** Logs one warning per unknown {@code JGOIM_*} name, with the nearest known name when one is close. */
    static void warnUnknown(Map<String, String> env, Path userFile) {
        for (String w : warnings(env, userFile)) {
            log.warn(w);
        }
    }

    /** The warnings {@link #warnUnknown} logs, sorted by name. */
    static List<String> warnings(Map<String, String> env, Path userFile) {
        Set<String> known = new TreeSet<>(NOT_CONFIG);
        for (String resource : List.of(CometConfig.DEFAULTS, LogicConfig.DEFAULTS, JobConfig.DEFAULTS,
                StandaloneServer.EMBEDDED)) {
            known.addAll(ConfigLoader.envNames(resource).values());
            references(ConfigLoader.readResourceTree(resource), known);
        }
        if (userFile != null) {
            references(ConfigLoader.readTree(userFile), known);
        }
        List<String> out = new ArrayList<>();
        new TreeSet<>(env.keySet()).forEach(name -> {
            if (name.startsWith(ConfigLoader.ENV_PREFIX) && !known.contains(name)) {
                String near = Nearest.of(name, known);
                out.add("environment variable " + name + " names no config key of any jgoim node and is ignored"
                        + (near != null ? " (did you mean " + near + "?)" : ""));
            }
        });
        return out;
    }

    /** Adds every {@code env:NAME} a config value points at. */
    private static void references(JsonNode node, Set<String> known) {
        if (node.isTextual() && node.asText().startsWith("env:")) {
            known.add(node.asText().substring(4).trim());
        }
        node.elements().forEachRemaining(child -> references(child, known));
    }
}
