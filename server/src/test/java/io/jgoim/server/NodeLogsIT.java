package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.testkit.KafkaBroker;
import io.jgoim.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logs of cluster nodes started as the CLI starts them ({@code java -jar jgoim.jar job|logic --config FILE},
 * against a real Redis and a real Kafka broker): every stdout line one JSON object naming the node and its level,
 * Kafka's config dump kept out at INFO by default and back when configured, a configured level obeyed, and logic's
 * runtime level route guarded by the admin scope, audited, and in effect.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NodeLogsIT {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
    private static final String ADMIN_KEY = "admin-key-0123456789abcdef";
    private static final String PUSH_KEY = "push-key-0123456789abcdef";
    private static final Pattern HTTP = Pattern.compile("http \\S*:(\\d+),");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RedisServer redis;
    private static KafkaBroker kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startDependencies() {
        redis = RedisServer.start();
        kafka = KafkaBroker.shared();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static Path jobConfig(Path dir) throws Exception {
        Path yaml = dir.resolve("job.yaml");
        Files.writeString(yaml, "node: {id: \"job-logs\"}\n"
                + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\", pushTopic: \"logs-it\","
                + " groupId: \"job-logs-it\"}\n"
                + "metrics: {port: 0}\n"
                + "redis: {uris: [\"" + redis.uri() + "\"]}\n");
        return yaml;
    }

    private static void assertEveryLineIsJsonOfTheNode(List<String> lines, String role, String node) {
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            JsonNode n = NodeProcess.parse(line);
            assertThat(n).as("a JSON object: %s", line).isNotNull();
            assertThat(n.path("role").asText()).as(line).isEqualTo(role);
            assertThat(n.path("node").asText()).as(line).isEqualTo(node);
            assertThat(n.path("level").asText()).as(line).isIn(LEVELS);
            assertThat(n.path("ts").asText()).as(line).isNotEmpty();
            assertThat(n.path("logger").asText()).as(line).isNotEmpty();
            assertThat(n.has("msg")).as(line).isTrue();
        }
    }

    private static long infoLinesOf(List<String> lines, String loggerPrefix) {
        return lines.stream().map(NodeProcess::parse).filter(n -> n != null
                && n.path("logger").asText().startsWith(loggerPrefix) && "INFO".equals(n.path("level").asText()))
                .count();
    }

    @Test
    void shouldLogOnlyJsonLinesNamingTheJobWithoutKafkasConfigDump(@TempDir Path dir) throws Exception {
        try (NodeProcess job = NodeProcess.start("job", jobConfig(dir), Map.of())) {
            job.awaitJson(n -> n.path("msg").asText().equals("jgoim job job-logs started"), START);

            List<String> lines = job.lines();
            assertEveryLineIsJsonOfTheNode(lines, "job", "job-logs");
            assertThat(infoLinesOf(lines, "io.jgoim.job.JobServer")).as("jgoim's own INFO lines are there").isOne();
            assertThat(infoLinesOf(lines, "org.apache.kafka")).as("Kafka at WARN by default").isZero();
            assertThat(lines).noneMatch(l -> l.contains("ConsumerConfig values"));
            assertThat(job.errLines()).as("nothing on stderr").isEmpty();
        }
    }

    @Test
    void shouldObeyLevelsConfiguredByEnvironment(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("JGOIM_LOGGING_LEVELS",
                "org.apache.kafka=INFO,io.jgoim.job=WARN");
        try (NodeProcess job = NodeProcess.start("job", jobConfig(dir), env)) {
            job.awaitJson(n -> n.path("msg").asText().equals("jgoim job job-logs started"), START);

            List<String> lines = job.lines();
            assertEveryLineIsJsonOfTheNode(lines, "job", "job-logs");
            assertThat(lines.stream().map(NodeProcess::parse).filter(n -> n.path("logger").asText()
                    .startsWith("org.apache.kafka") && "INFO".equals(n.path("level").asText())
                    && n.path("msg").asText().startsWith("ConsumerConfig values"))).as("the dump, one JSON line")
                    .hasSize(1);
            assertThat(infoLinesOf(lines, "io.jgoim.job")).as("io.jgoim.job at WARN").isZero();
        }
    }

    @Test
    void shouldChangeALevelAtRuntimeOnlyWithTheAdminScopeAndAuditIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("logic.yaml");
        Files.writeString(yaml, "node: {id: \"logic-logs\"}\n"
                + "http:\n  port: 0\n  apiKeys:\n"
                + "    - {id: \"ops-admin\", sha256: \"" + sha256(ADMIN_KEY) + "\", scopes: [\"admin\"], ratePerSecond: 0,"
                + " burst: 0}\n"
                + "    - {id: \"pusher\", sha256: \"" + sha256(PUSH_KEY) + "\", scopes: [\"push\"], ratePerSecond: 0,"
                + " burst: 0}\n"
                + "grpc: {port: 0}\n"
                + "redis: {uris: [\"" + redis.uri() + "\"]}\n"
                + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\"}\n");
        try (NodeProcess logic = NodeProcess.start("logic", yaml, Map.of())) {
            JsonNode started = logic.awaitJson(n -> n.path("msg").asText().startsWith("jgoim logic logic-logs started"),
                    START);
            Matcher m = HTTP.matcher(started.path("msg").asText());
            assertThat(m.find()).isTrue();
            String base = "http://127.0.0.1:" + m.group(1) + "/goim/admin/loglevel";
            String gate = "io.jgoim.logic.http.ApiGate";
            assertThat(infoLinesOf(logic.lines(), "org.apache.kafka")).as("no ProducerConfig dump").isZero();

            // a key without the admin scope: 403 FORBIDDEN (111), and ApiGate's WARN line
            JsonNode forbidden = post(base + "?logger=" + gate + "&level=ERROR", PUSH_KEY, 403);
            assertThat(forbidden.path("code").asInt()).isEqualTo(111);
            logic.awaitJson(n -> n.path("logger").asText().equals(gate) && n.path("msg").asText().contains("pusher"),
                    Duration.ofSeconds(10));
            // no key: 401 API_KEY_MISSING (109)
            assertThat(post(base + "?logger=" + gate + "&level=ERROR", null, 401).path("code").asInt()).isEqualTo(109);
            // the admin key with a bad level, or the audit logger: 400 BAD_PARAMETER (400)
            assertThat(post(base + "?logger=" + gate + "&level=LOUD", ADMIN_KEY, 400).path("code").asInt())
                    .isEqualTo(400);
            assertThat(post(base + "?logger=io.jgoim.audit&level=OFF", ADMIN_KEY, 400).path("code").asInt())
                    .isEqualTo(400);
            assertThat(post(base + "?level=ERROR", ADMIN_KEY, 400).path("code").asInt()).isEqualTo(400);

            // the admin key: 200, audited with its id and address, and in effect
            JsonNode set = post(base + "?logger=" + gate + "&level=error", ADMIN_KEY, 200);
            assertThat(set.path("code").asInt()).isZero();
            assertThat(set.path("data").path("logger").asText()).isEqualTo(gate);
            assertThat(set.path("data").path("previous").isNull()).isTrue();
            assertThat(set.path("data").path("level").asText()).isEqualTo("ERROR");
            assertThat(set.path("data").path("effective").asText()).isEqualTo("ERROR");
            JsonNode audit = logic.awaitJson(n -> n.path("logger").asText().equals("io.jgoim.audit"),
                    Duration.ofSeconds(10));
            assertThat(audit.path("level").asText()).isEqualTo("INFO");
            assertThat(audit.path("msg").asText()).isEqualTo("log level of " + gate
                    + " set from INHERIT to ERROR by API key ops-admin from 127.0.0.1");
            int afterFirstAudit = logic.lines().size();

            Thread.sleep(1100); // past ApiGate's one-line-a-second gate, so only the level can keep the line out
            post(base + "?logger=" + gate + "&level=ERROR", PUSH_KEY, 403);
            JsonNode back = post(base + "?logger=" + gate + "&level=INHERIT", ADMIN_KEY, 200);
            assertThat(back.path("data").path("previous").asText()).isEqualTo("ERROR");
            assertThat(back.path("data").path("level").isNull()).isTrue();
            assertThat(back.path("data").path("effective").asText()).isEqualTo("INFO");
            logic.awaitJson(n -> n.path("msg").asText().contains("set from ERROR to INHERIT"), Duration.ofSeconds(10));
            List<String> between = logic.lines().subList(afterFirstAudit, logic.lines().size());
            assertThat(between).as("ApiGate at ERROR wrote no WARN").noneMatch(l -> l.contains("\"logger\":\"" + gate));

            Thread.sleep(1100);
            int before = logic.lines().size();
            post(base + "?logger=" + gate + "&level=ERROR", PUSH_KEY, 403);
            logic.awaitJson(n -> n.path("logger").asText().equals(gate), Duration.ofSeconds(10), before);
            assertEveryLineIsJsonOfTheNode(logic.lines(), "logic", "logic-logs");
        }
    }

    private JsonNode post(String url, String key, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
