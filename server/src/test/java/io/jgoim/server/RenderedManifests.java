package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.fail;

/**
 * What {@code kubectl kustomize} printed for one kustomization, with each node container resolved the way the kubelet
 * and the node would: its role (the CLI command in args), its config file (the ConfigMap key mounted at the
 * {@code --config} path) and its environment (literals with {@code $(VAR)} expanded, placeholders for values the
 * cluster fills in: pod fields and Secrets).
 */
final class RenderedManifests {
    /** Stands in for a Secret's value: long enough for an HS256 secret (32+ bytes). */
    static final String SECRET_PLACEHOLDER = "secret-placeholder-secret-placeholder-0123";
    private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    final Path dir;
    final List<JsonNode> docs;
    final List<NodeContainer> containers = new ArrayList<>();

    /** One container of a Deployment or StatefulSet that runs a jgoim node. */
    record NodeContainer(JsonNode workload, JsonNode pod, JsonNode container, String role, Path configFile,
                         String configText, Map<String, String> env) {
        String where() {
            return workload.path("kind").asText() + "/" + workload.path("metadata").path("name").asText() + " "
                    + container.path("name").asText();
        }

        /** The containerPort a probe's or Service's port (a name or a number) refers to, or -1. */
        int containerPort(JsonNode port) {
            for (JsonNode p : container.path("ports")) {
                if (port.isInt() ? p.path("containerPort").asInt() == port.asInt()
                        : p.path("name").asText().equals(port.asText())) {
                    return p.path("containerPort").asInt();
                }
            }
            return -1;
        }
    }

    RenderedManifests(Path dir, Path scratch) throws Exception {
        this.dir = dir;
        this.docs = DeployFiles.kustomize(dir);
        for (JsonNode w : docs) {
            String kind = w.path("kind").asText();
            if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
                continue;
            }
            JsonNode pod = w.path("spec").path("template").path("spec");
            for (JsonNode c : pod.path("containers")) {
                containers.add(resolve(w, pod, c, scratch));
            }
        }
    }

    List<JsonNode> ofKind(String kind) {
        List<JsonNode> out = new ArrayList<>();
        docs.stream().filter(d -> d.path("kind").asText().equals(kind)).forEach(out::add);
        return out;
    }

    JsonNode named(String kind, String name) {
        return ofKind(kind).stream().filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElse(null);
    }

    NodeContainer role(String role) {
        return containers.stream().filter(c -> c.role().equals(role)).findFirst()
                .orElseThrow(() -> new AssertionError(dir + " runs no " + role));
    }

    /** True when every label of {@code selector} is on the pod template of {@code workload}. */
    static boolean selects(JsonNode selector, JsonNode workload) {
        JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
        if (selector.size() == 0) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    private NodeContainer resolve(JsonNode w, JsonNode pod, JsonNode c, Path scratch) throws Exception {
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        String where = w.path("kind").asText() + "/" + w.path("metadata").path("name").asText();
        if (args.isEmpty() || !NodeShape.ROLES.contains(args.get(0))) {
            fail("%s: args %s do not start with a node role (comet, logic, job)", where, args);
        }
        int at = args.indexOf("--config");
        if (at < 0 || at + 1 >= args.size()) {
            fail("%s: no --config FILE in args %s", where, args);
        }
        String configPath = args.get(at + 1);
        String text = configText(pod, c, configPath, where);
        Path file = Files.createTempFile(scratch, args.get(0), ".yaml");
        Files.writeString(file, text);
        return new NodeContainer(w, pod, c, args.get(0), file, text, env(c));
    }

    /** The ConfigMap (or Secret) key mounted at {@code path}. */
    private String configText(JsonNode pod, JsonNode c, String path, String where) {
        for (JsonNode m : c.path("volumeMounts")) {
            String mount = m.path("mountPath").asText();
            String key;
            if (mount.equals(path) && m.has("subPath")) {
                key = m.path("subPath").asText();
            } else if (path.startsWith(mount + "/")) {
                key = path.substring(mount.length() + 1);
            } else {
                continue;
            }
            for (JsonNode v : pod.path("volumes")) {
                if (!v.path("name").asText().equals(m.path("name").asText())) {
                    continue;
                }
                String cm = v.path("configMap").path("name").asText();
                JsonNode map = named("ConfigMap", cm);
                if (map == null) {
                    fail("%s mounts ConfigMap %s at %s, which the render does not hold", where, cm, mount);
                }
                JsonNode data = map.path("data").path(key);
                if (data.isMissingNode()) {
                    fail("%s: ConfigMap %s has no key %s (mounted as %s)", where, cm, key, path);
                }
                return data.asText();
            }
        }
        throw new AssertionError(where + ": nothing is mounted at the --config path " + path);
    }

    /** The container's environment as the node sees it; Secrets and pod fields become placeholders. */
    private static Map<String, String> env(JsonNode c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            String value;
            if (e.has("value")) {
                Matcher m = VAR_REF.matcher(e.path("value").asText());
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    // Kubernetes expands $(VAR) only for variables defined earlier in the list; others stay as text.
                    m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
                }
                m.appendTail(sb);
                value = sb.toString();
            } else if (e.path("valueFrom").has("secretKeyRef")) {
                value = SECRET_PLACEHOLDER;
            } else if (e.path("valueFrom").has("fieldRef")) {
                String field = e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
                value = field.equals("status.podIP") ? "10.0.0.10" : "pod-0";
            } else {
                value = "";
            }
            env.put(name, value);
        }
        return env;
    }
}
