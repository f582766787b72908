package io.jgoim.server;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.job.JobConfig;
import io.jgoim.logic.AuthConfig;
import io.jgoim.logic.LogicConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * configs/*.yaml are complete and equal to the embedded defaults (logic.yaml but for its signed-token auth), and
 * docs/config.md documents every key with its environment name.
 */
class ConfigDocsTest {
    private static Class<?> type(String node) {
        switch (node) {
            case "comet":
                return CometConfig.class;
            case "logic":
                return LogicConfig.class;
            default:
                return JobConfig.class;
        }
    }

    @ParameterizedTest
    @CsvSource({"comet, jgoim/comet-defaults.yaml", "logic, jgoim/logic-defaults.yaml", "job, jgoim/job-defaults.yaml"})
    void shouldShipAConfigFileEqualToTheDefaults(String node, String defaults) {
        Path file = Path.of("..", "configs", node + ".yaml");
        Object fromFile = ConfigLoader.load(type(node), defaults, file, Map.of());
        Object embedded = ConfigLoader.load(type(node), defaults, (Path) null, Map.of());
        if (fromFile instanceof LogicConfig) {
            // The one documented difference (issue 14): the cluster file requires signed tokens, the default is goim.
            LogicConfig f = (LogicConfig) fromFile;
            assertThat(f.auth().mode()).isEqualTo(AuthConfig.JWT);
            fromFile = new LogicConfig(f.node(), f.http(), f.grpc(), ((LogicConfig) embedded).auth(), f.redis(),
                    f.kafka(), f.online(), f.nodes(), f.history(), f.health(), f.logging(),
                    f.tracing(), f.overload(), f.upstream(), f.tenants());
        }
        assertThat(fromFile).isEqualTo(embedded);
        // Every key of the defaults is spelled out in the file (the file is the operator's documentation).
        Map<String, String> inFile = ConfigLoader.envNames(defaults);
        com.fasterxml.jackson.databind.node.ObjectNode tree = ConfigLoader.readTree(file);
        for (String key : inFile.keySet()) {
            com.fasterxml.jackson.databind.JsonNode n = tree;
            for (String part : key.split("\\.")) {
                n = n == null ? null : n.get(part);
            }
            assertThat(n).as("configs/%s.yaml has %s", node, key).isNotNull();
        }
    }

    @ParameterizedTest
    @CsvSource({"comet, jgoim/comet-defaults.yaml", "logic, jgoim/logic-defaults.yaml", "job, jgoim/job-defaults.yaml"})
    void shouldDocumentEveryKeyWithItsEnvName(String node, String defaults) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "config.md"));
        int from = doc.indexOf("## " + node + " ");
        assertThat(from).as("docs/config.md has a section for %s", node).isPositive();
        int to = doc.indexOf("\n## ", from + 1);
        String section = to < 0 ? doc.substring(from) : doc.substring(from, to);
        ConfigLoader.envNames(defaults).forEach((key, env) ->
                assertThat(section).as("%s key %s", node, key).contains("| `" + key + "` |").contains("`" + env + "`"));
    }

    /**
     * Every key has a description of its own: not empty, and not a copy of another key's — unless the two are the
     * same setting of different listeners (same last name: tcp.bind and webSocket.bind), which may share one.
     */
    @ParameterizedTest
    @CsvSource({"comet", "logic", "job"})
    void shouldDescribeEveryKeyOnItsOwn(String node) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "config.md"));
        int from = doc.indexOf("## " + node + " ");
        int to = doc.indexOf("\n## ", from + 1);
        String section = to < 0 ? doc.substring(from) : doc.substring(from, to);
        Map<String, String> byDescription = new java.util.HashMap<>();
        section.lines().filter(l -> l.startsWith("| `")).forEach(row -> {
            String[] cells = row.substring(1, row.length() - 1).split(" \\| ");
            String key = cells[0].trim().replace("`", "");
            String description = cells[cells.length - 1].trim();
            assertThat(description).as("docs/config.md %s: the description of %s", node, key).isNotEmpty();
            String other = byDescription.putIfAbsent(description, key);
            if (other != null) {
                assertThat(leaf(other)).as("docs/config.md %s: %s has the description of %s", node, key, other)
                        .isEqualTo(leaf(key));
            }
        });
        assertThat(byDescription).isNotEmpty();
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }
}
