package io.jgoim.server.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What deploy/observability ships, read as Prometheus and Grafana read it: every PromQL expression of the dashboard's
 * panels and of the alert rules, and the scrape config rewritten for a test (its jobs pointed at running nodes,
 * scraped every second, its rule file by absolute path). Grafana's interval variables become fixed ranges.
 */
final class DeployedQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Where an expression comes from (a panel and its query, an alert) and the expression. */
    record Query(String where, String expr) {
    }

    private DeployedQueries() {
    }

    /** deploy/observability of the repository (tests run in the module directory). */
    static Path dir() {
        for (Path p : List.of(Path.of("..", "deploy", "observability"), Path.of("deploy", "observability"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new AssertionError("deploy/observability not found from " + Path.of("").toAbsolutePath());
    }

    /** Every query of every panel of the dashboard (panels inside rows too). */
    static List<Query> dashboard() throws IOException {
        JsonNode dash = JSON.readTree(dir().resolve("jgoim-dashboard.json").toFile());
        List<Query> out = new ArrayList<>();
        collectPanels(dash.path("panels"), out);
        return out;
    }

    private static void collectPanels(JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            collectPanels(p.path("panels"), out);
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    out.add(new Query("panel '" + p.path("title").asText() + "' query " + t.path("refId").asText(),
                            grafanaToPromQl(t.path("expr").asText())));
                }
            }
        }
    }

    /** Grafana's built-in interval variables as Prometheus reads them (a scrape every second here). */
    static String grafanaToPromQl(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "5m");
    }

    /** Every alerting and recording rule's expression of alerts.yml. */
    static List<Query> alerts() throws IOException {
        JsonNode rules = YAML.readTree(dir().resolve("alerts.yml").toFile());
        List<Query> out = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? "alert " + rule.path("alert").asText()
                        : "record " + rule.path("record").asText();
                out.add(new Query(name, rule.path("expr").asText()));
            }
        }
        return out;
    }

    /**
     * Writes prometheus.yml as shipped, with each job's targets replaced by {@code targets} (every job of the file
     * must be given, and only those), a one-second scrape and evaluation interval, and the rule files by absolute
     * path. Returns the written file.
     */
    static Path writeScrapeConfig(Path to, Map<String, List<String>> targets) throws IOException {
        ObjectNode cfg = (ObjectNode) YAML.readTree(dir().resolve("prometheus.yml").toFile());
        ObjectNode global = cfg.with("global");
        global.put("scrape_interval", "1s");
        global.put("evaluation_interval", "1s");
        ArrayNode rules = cfg.putArray("rule_files");
        YAML.readTree(dir().resolve("prometheus.yml").toFile()).path("rule_files")
                .forEach(f -> rules.add(dir().resolve(f.asText()).toString()));
        TreeSet<String> shipped = new TreeSet<>();
        for (JsonNode job : cfg.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            shipped.add(name);
            List<String> given = targets.get(name);
            if (given == null) {
                throw new AssertionError("prometheus.yml scrapes job " + name + " that the test does not run");
            }
            ArrayNode statics = ((ObjectNode) job).putArray("static_configs");
            ArrayNode list = statics.addObject().putArray("targets");
            given.forEach(list::add);
        }
        if (!shipped.equals(new TreeSet<>(targets.keySet()))) {
            throw new AssertionError("prometheus.yml jobs " + shipped + ", test nodes " + targets.keySet());
        }
        Path out = to.resolve("prometheus.yml");
        YAML.writeValue(out.toFile(), cfg);
        return out;
    }
}
