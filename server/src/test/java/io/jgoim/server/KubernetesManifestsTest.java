package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgoim.common.config.ConfigException;
import io.jgoim.server.RenderedManifests.NodeContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * deploy/k8s rendered by {@code kubectl kustomize} (the base and the example overlay) and checked against the code:
 * every node starts with the config its ConfigMap and env give it, every container port, Service port, probe and env
 * name is one the node really has, graceful stops fit their grace periods, and every workload has a disruption budget.
 */
class KubernetesManifestsTest {
    @TempDir
    static Path scratch;

    private static final Map<String, RenderedManifests> RENDERS = new HashMap<>();

    private static synchronized RenderedManifests render(String dir) throws Exception {
        RenderedManifests r = RENDERS.get(dir);
        if (r == null) {
            r = new RenderedManifests(DeployFiles.DEPLOY.resolve("k8s").resolve(dir), scratch);
            RENDERS.put(dir, r);
        }
        return r;
    }

    private static NodeShape shape(NodeContainer c) {
        try {
            return NodeShape.load(c.role(), c.configFile(), c.env());
        } catch (ConfigException e) {
            throw new AssertionError(c.where() + ": the node would refuse this config: " + e.getMessage(), e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldRunEachRoleOnceWithAConfigTheNodeAccepts(String dir) throws Exception {
        RenderedManifests r = render(dir);
        Set<String> roles = new TreeSet<>();
        for (NodeContainer c : r.containers) {
            assertThat(roles.add(c.role())).as("%s: one workload per role", c.where()).isTrue();
            shape(c);
        }
        assertThat(roles).isEqualTo(NodeShape.ROLES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldSetOnlyEnvironmentVariablesTheNodeReads(String dir) throws Exception {
        for (NodeContainer c : render(dir).containers) {
            Set<String> known = NodeShape.envNames(c.role());
            Matcher m = Pattern.compile("env:(JGOIM_[A-Z0-9_]+)").matcher(c.configText());
            while (m.find()) {
                known.add(m.group(1)); // a secret the config names by env:NAME
            }
            for (String name : c.env().keySet()) {
                if (name.startsWith("JGOIM_")) {
                    assertThat(known).as("%s sets %s, which names no %s config key", c.where(), name, c.role())
                            .contains(name);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldDeclareExactlyThePortsTheNodeListensOnReachableFromOutsideThePod(String dir) throws Exception {
        for (NodeContainer c : render(dir).containers) {
            NodeShape shape = shape(c);
            Set<Integer> declared = new TreeSet<>();
            c.container().path("ports").forEach(p -> declared.add(p.path("containerPort").asInt()));
            assertThat(declared).as("%s: containerPorts = the listeners its config opens", c.where())
                    .isEqualTo(shape.enabledPorts());
            for (int port : declared) {
                NodeShape.Listener l = shape.listenerOn(port);
                assertThat(l.loopbackOnly()).as("%s: %s binds %s, unreachable from outside the pod", c.where(),
                        l.key(), l.bind()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldProbeLivenessAndReadinessOnTheHealthListener(String dir) throws Exception {
        for (NodeContainer c : render(dir).containers) {
            NodeShape shape = shape(c);
            int healthPort = shape.listeners().get(shape.health()).port();
            for (String probe : new String[]{"livenessProbe", "readinessProbe"}) {
                JsonNode get = c.container().path(probe).path("httpGet");
                assertThat(get.isMissingNode()).as("%s has an HTTP %s", c.where(), probe).isFalse();
                assertThat(get.path("path").asText()).as("%s %s path", c.where(), probe)
                        .isEqualTo(probe.startsWith("liveness") ? DeployFiles.LIVE_PATH : DeployFiles.READY_PATH);
                assertThat(c.containerPort(get.path("port"))).as("%s %s port (%s)", c.where(), probe,
                        shape.health()).isEqualTo(healthPort);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldGiveEveryGracefulStopMoreTimeThanItTakes(String dir) throws Exception {
        for (NodeContainer c : render(dir).containers) {
            long preStop = 0;
            JsonNode cmd = c.container().path("lifecycle").path("preStop").path("exec").path("command");
            if (cmd.size() > 0) {
                assertThat(cmd.get(0).asText()).as("%s preStop is a pause", c.where()).isEqualTo("sleep");
                preStop = Long.parseLong(cmd.get(1).asText());
            }
            long stop = shape(c).stopTime().toSeconds();
            long grace = c.pod().path("terminationGracePeriodSeconds").asLong(30);
            assertThat(grace).as("%s: terminationGracePeriodSeconds > preStop %d s + graceful stop %d s + %d s",
                    c.where(), preStop, stop, DeployFiles.STOP_MARGIN_SECONDS)
                    .isGreaterThanOrEqualTo(preStop + stop + DeployFiles.STOP_MARGIN_SECONDS);
        }
        // The comet's drain is what the grace period is for: it must have a preStop pause and a real drain.
        NodeContainer comet = render(dir).role("comet");
        assertThat(comet.container().path("lifecycle").path("preStop").isMissingNode()).isFalse();
        assertThat(shape(comet).stopTime().toSeconds()).as("comet shutdown.drainTime").isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldRouteEveryServicePortToAContainerPortOfThePodsItSelects(String dir) throws Exception {
        RenderedManifests r = render(dir);
        for (JsonNode svc : r.ofKind("Service")) {
            String name = svc.path("metadata").path("name").asText();
            boolean selected = false;
            for (NodeContainer c : r.containers) {
                if (!RenderedManifests.selects(svc.path("spec").path("selector"), c.workload())) {
                    continue;
                }
                selected = true;
                for (JsonNode p : svc.path("spec").path("ports")) {
                    JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
                    assertThat(c.containerPort(target)).as("Service %s port %s -> %s of %s", name,
                            p.path("name").asText(), target.asText(), c.where()).isPositive();
                }
            }
            assertThat(selected).as("Service %s selects a node's pods", name).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldServeTheClientPortsThatLogicAdvertises(String dir) throws Exception {
        RenderedManifests r = render(dir);
        NodeShape comet = shape(r.role("comet"));
        NodeShape logic = shape(r.role("logic"));
        JsonNode svc = r.named("Service", "jgoim-comet");
        assertThat(svc).as("the comets' client Service jgoim-comet").isNotNull();
        for (String[] l : new String[][]{{"tcp", "nodes.tcpPort"}, {"ws", "nodes.wsPort"}, {"wss", "nodes.wssPort"}}) {
            NodeShape.Listener listener = comet.listeners().get(l[0]);
            if (!listener.enabled()) {
                continue;
            }
            JsonNode port = null;
            for (JsonNode p : svc.path("spec").path("ports")) {
                if (r.role("comet").containerPort(p.path("targetPort")) == listener.port()) {
                    port = p;
                }
            }
            assertThat(port).as("jgoim-comet serves the comet's %s listener", listener.key()).isNotNull();
            assertThat(port.path("port").asInt()).as("logic's %s (what clients are told)", l[1])
                    .isEqualTo(Integer.parseInt(logic.extra().get(l[1])));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldReachLogicAndEachCometByTheNamesTheConfigsUse(String dir) throws Exception {
        RenderedManifests r = render(dir);
        NodeContainer comet = r.role("comet");
        NodeShape shape = shape(comet);
        NodeShape logic = shape(r.role("logic"));
        if ("registry".equals(shape.extra().get("logic.target"))) {
            // Comets find the logic pods in the logic-node registry: logic registers a dialable address (its pod
            // IP at its gRPC port) in the Redis the comets read.
            assertThat(logic.extra().get("grpc.registry.enabled")).isEqualTo("true");
            assertThat(logic.extra().get("grpc.advertise")).as("logic's grpc.advertise: the pod IP at its gRPC port")
                    .matches("[0-9.]+:" + logic.listeners().get("grpc").port()).doesNotStartWith("127.");
            assertThat(r.role("logic").env()).containsKey("POD_IP");
            assertThat(logic.extra().get("redis.uris")).isEqualTo(shape.extra().get("redis.uris"));
        } else {
            assertLogicServiceReachable(r, shape, logic);
        }
        // node.host: the pod's name under the StatefulSet's headless Service, which must exist.
        String serviceName = comet.workload().path("spec").path("serviceName").asText();
        JsonNode headless = r.named("Service", serviceName);
        assertThat(headless).as("the StatefulSet's serviceName %s", serviceName).isNotNull();
        assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(shape.extra().get("node.host")).startsWith("pod-0." + serviceName + ".");
        // The WSS certificate comes from a mounted Secret.
        String cert = shape.extra().get("tls.certFile");
        assertThat(secretMounts(comet).keySet().stream().anyMatch(m -> cert.startsWith(m + "/")))
                .as("comet tls.certFile %s lies in a Secret volume", cert).isTrue();
    }

    /** A {@code host:port} or {@code dns:///} logic.target names a Service that reaches logic's gRPC listener. */
    private static void assertLogicServiceReachable(RenderedManifests r, NodeShape shape, NodeShape logic) {
        String[] target = shape.extra().get("logic.target").replace("dns:///", "").split(":");
        JsonNode svc = r.named("Service", target[0]);
        assertThat(svc).as("comet's logic.target names the Service %s", target[0]).isNotNull();
        JsonNode port = null;
        for (JsonNode p : svc.path("spec").path("ports")) {
            if (p.path("port").asInt() == Integer.parseInt(target[1])) {
                port = p;
            }
        }
        assertThat(port).as("Service %s has port %s", target[0], target[1]).isNotNull();
        assertThat(r.role("logic").containerPort(port.path("targetPort")))
                .as("logic.target reaches logic's gRPC listener").isEqualTo(logic.listeners().get("grpc").port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void shouldCoverEveryWorkloadWithADisruptionBudgetAndRunItAsTheImagesUser(String dir) throws Exception {
        RenderedManifests r = render(dir);
        long user = DockerfileTest.user();
        for (NodeContainer c : r.containers) {
            long budgets = r.ofKind("PodDisruptionBudget").stream()
                    .filter(p -> RenderedManifests.selects(p.path("spec").path("selector").path("matchLabels"),
                            c.workload())).count();
            assertThat(budgets).as("%s: PodDisruptionBudgets", c.where()).isEqualTo(1);
            JsonNode sc = c.pod().path("securityContext");
            assertThat(sc.path("runAsNonRoot").asBoolean()).as("%s runAsNonRoot", c.where()).isTrue();
            assertThat(sc.path("runAsUser").asLong()).as("%s runAsUser = the Dockerfile's USER", c.where())
                    .isEqualTo(user);
        }
    }

    @Test
    void shouldListEverySecretTheManifestsUseInTheExampleReadme() throws Exception {
        String readme = Files.readString(DeployFiles.EXAMPLE.resolve("README.md"));
        Set<String> secrets = new TreeSet<>();
        for (NodeContainer c : render("overlays/example").containers) {
            secrets.addAll(secretMounts(c).values());
            c.container().path("env").forEach(e -> {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    secrets.add(ref.path("name").asText());
                }
            });
        }
        assertThat(secrets).isNotEmpty();
        for (String s : secrets) {
            assertThat(readme).as("the example README says how to create Secret %s", s)
                    .containsPattern("create secret \\S+ " + Pattern.quote(s) + " ");
        }
    }

    /** mountPath -> Secret name of the container's Secret volumes. */
    private static Map<String, String> secretMounts(NodeContainer c) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode m : c.container().path("volumeMounts")) {
            for (JsonNode v : c.pod().path("volumes")) {
                if (v.path("name").asText().equals(m.path("name").asText()) && v.has("secret")) {
                    out.put(m.path("mountPath").asText(), v.path("secret").path("secretName").asText());
                }
            }
        }
        if (out.isEmpty() && c.role().equals("comet")) {
            fail("%s mounts no Secret", c.where());
        }
        return out;
    }
}
