package io.jgoim.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a node's typed configuration: the embedded defaults (a YAML resource on the classpath), then the operator's
 * file, then environment overrides, bound to a record tree and validated by the records' constructors.
 *
 * <p>Every leaf key has one environment name: {@code tcp.sendBuffer} is {@code JGOIM_TCP_SEND_BUFFER}. Env wins over
 * the file. A list is given in env as comma-separated values. Durations are strings such as {@code 500ms},
 * {@code 8s}, {@code 2m}. Unknown keys in a file and values of the wrong type fail with a {@link ConfigException}
 * naming the key.
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
    public static final String ENV_PREFIX = "JGOIM_";

    private static final ObjectMapper YAML = mapper();

    private ConfigLoader() {
    }

    /**
     * @param type            the root record
     * @param defaultResource classpath resource with every key and its default (e.g. {@code jgoim/comet-defaults.yaml})
     * @param file            the operator's file, or null
     * @param env             environment (System.getenv() in production, a map in tests)
     */
    public static <T> T load(Class<T> type, String defaultResource, Path file, Map<String, String> env) {
        return load(type, defaultResource, file == null ? List.of() : List.of(readTree(file)), env);
    }

    /**
     * Like {@link #load(Class, String, Path, Map)} with several override trees applied in order over the defaults
     * (standalone layers its own settings, then the operator's section, under the env).
     */
    public static <T> T load(Class<T> type, String defaultResource, List<ObjectNode> overrides,
                             Map<String, String> env) {
        ObjectNode tree = readDefaults(defaultResource);
        for (ObjectNode over : overrides) {
            merge(tree, over.deepCopy(), "");
        }
        applyEnv(tree, env);
        return bind(tree, type);
    }

    /** A YAML file's top-level mapping (empty for an empty file). */
    public static ObjectNode readTree(Path file) {
        try {
            JsonNode tree = YAML.readTree(Files.readAllBytes(file));
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                return YAML.createObjectNode();
            }
            if (!tree.isObject()) {
                throw new ConfigException(file + ": the top level must be a mapping");
            }
            return (ObjectNode) tree;
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A classpath YAML resource's top-level mapping. */
    public static ObjectNode readResourceTree(String resource) {
        return readDefaults(resource);
    }

    /** The mapping under {@code name} (an empty one when absent); {@code where} names the file in errors. */
    public static ObjectNode section(ObjectNode tree, String name, String where) {
        JsonNode n = tree.get(name);
        if (n == null || n.isNull()) {
            return YAML.createObjectNode();
        }
        if (!n.isObject()) {
            throw new ConfigException(where + ": '" + name + "' must be a mapping");
        }
        return (ObjectNode) n;
    }

    /** Binds a tree to a record, translating Jackson's errors into ones that name the key. */
    public static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = new ArrayList<>();
            if (e.getKnownPropertyIds() != null) {
                e.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            }
            String near = Nearest.of(e.getPropertyName(), known);
            throw new ConfigException("unknown config key '" + path(e) + "'"
                    + (near != null ? " (did you mean '" + near + "'?)" : ""), e);
        } catch (InvalidFormatException e) {
            throw new ConfigException("config key '" + path(e) + "': cannot use value '" + e.getValue() + "' as "
                    + e.getTargetType().getSimpleName() + hint(e), e);
        } catch (MismatchedInputException e) {
            throw new ConfigException("config key '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException) {
                // A record's own check failed. Shared records (a history Retention) cannot know where they sit
                // (history.rooms.live, history.members): name the key unless the message already does.
                String at = e instanceof JsonMappingException ? path((JsonMappingException) e) : "";
                if (!at.isEmpty() && !cause.getMessage().contains(at)) {
                    throw new ConfigException("config key '" + at + "': " + cause.getMessage(), cause);
                }
                throw (ConfigException) cause;
            }
            if (cause instanceof IllegalArgumentException) {
                throw new ConfigException(cause.getMessage(), cause);
            }
            throw new ConfigException("invalid config: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof ConfigException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ConfigException) {
                throw (ConfigException) cause;
            }
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Every leaf path of the defaults with its env name, for docs and the config-docs test. */
    public static Map<String, String> envNames(String defaultResource) {
        Map<String, String> out = new LinkedHashMap<>();
        collectLeaves(readDefaults(defaultResource), "", out);
        return out;
    }

    /** The env name of a dotted key: {@code tcp.sendBuffer} → {@code JGOIM_TCP_SEND_BUFFER}. */
    public static String envName(String dottedKey) {
        StringBuilder sb = new StringBuilder(ENV_PREFIX);
        for (int i = 0; i < dottedKey.length(); i++) {
            char c = dottedKey.charAt(i);
            if (c == '.' || c == '-') {
                sb.append('_');
            } else if (Character.isUpperCase(c)) {
                sb.append('_').append(c);
            } else {
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }

    /** Parses {@code 500ms}, {@code 8s}, {@code 2m}, {@code 1h}, {@code 1d} or an ISO-8601 duration. */
    public static Duration parseDuration(String s) {
        String v = s.trim();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1).trim());
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    break;
            }
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("not a duration: '" + s + "' (use e.g. 500ms, 8s, 2m)");
    }

    private static ObjectNode readDefaults(String resource) {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException("missing embedded defaults " + resource);
            }
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read embedded defaults " + resource, e);
        }
    }

    private static void merge(ObjectNode base, ObjectNode over, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode && e.getValue() instanceof ObjectNode) {
                merge((ObjectNode) existing, (ObjectNode) e.getValue(), prefix + e.getKey() + ".");
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void applyEnv(ObjectNode tree, Map<String, String> env) {
        Map<String, String> leaves = new LinkedHashMap<>();
        collectLeaves(tree, "", leaves);
        Map<String, String> byEnv = new LinkedHashMap<>();
        leaves.forEach((key, envName) -> byEnv.put(envName, key));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = byEnv.get(e.getKey());
            if (key == null) {
                log.debug("environment variable {} names no key of this node's config", e.getKey());
                continue;
            }
            set(tree, key, e.getValue());
        }
    }

    private static void set(ObjectNode tree, String dottedKey, String value) {
        String[] parts = dottedKey.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        String leaf = parts[parts.length - 1];
        if (node.get(leaf) instanceof ArrayNode) {
            ArrayNode arr = node.putArray(leaf);
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    arr.add(item.trim());
                }
            }
        } else {
            node.set(leaf, TextNode.valueOf(value));
        }
    }

    private static void collectLeaves(JsonNode node, String prefix, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            if (e.getValue().isObject() && e.getValue().size() > 0) {
                collectLeaves(e.getValue(), key + ".", out);
            } else {
                out.put(key, envName(key));
            }
        }
    }

    /** What to write instead, where the mistake is a common one (a duration without its unit). */
    private static String hint(InvalidFormatException e) {
        if (e.getTargetType() == Duration.class && e.getValue() != null
                && String.valueOf(e.getValue()).trim().matches("[0-9]+")) {
            String n = String.valueOf(e.getValue()).trim();
            return ": a duration needs its unit, e.g. '" + n + "s' (or " + n + "ms, " + n + "m)";
        }
        return "";
    }

    private static String path(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        e.getPath().forEach(r -> parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]"));
        return String.join(".", parts);
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper(new YAMLFactory());
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        m.configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        m.configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, true);
        SimpleModule durations = new SimpleModule("jgoim-durations");
        durations.addDeserializer(Duration.class, new StdDeserializer<>(Duration.class) {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                try {
                    return parseDuration(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
                }
            }
        });
        m.registerModule(durations);
        return m;
    }
}
