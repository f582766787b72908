package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The deployment files under {@code deploy/} and the facts of the build they must agree with, for the deployment
 * tests: the probe paths (the one place to change them), {@code kubectl kustomize} rendering, the shaded jar's path.
 */
final class DeployFiles {
    /** The liveness and readiness paths every probe uses (served on each node's metrics/admin port). */
    static final String LIVE_PATH = "/health/live";
    static final String READY_PATH = "/health/ready";

    /** A graceful stop must fit in the time the supervisor allows with at least this much to spare. */
    static final int STOP_MARGIN_SECONDS = 10;

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path BASE = DEPLOY.resolve("k8s/base");
    static final Path EXAMPLE = DEPLOY.resolve("k8s/overlays/example");

    private static final YAMLMapper YAML = new YAMLMapper();

    private DeployFiles() {
    }

    /**
     * Runs {@code kubectl kustomize dir} and parses the documents it prints; fails the test with what to install when
     * kubectl is missing and with kubectl's own message when the render fails.
     */
    static List<JsonNode> kustomize(Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is not installed (not on PATH), so the Kubernetes manifests under deploy/k8s "
                    + "cannot be rendered. Machines of this project's kind have it in their image (/usr/bin/kubectl); "
                    + "elsewhere install Debian's package: apt-get install kubernetes-client (.ci/run does). ("
                    + e.getMessage() + ")", e);
        }
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        byte[] out = readAll(p.getInputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kubectl kustomize %s did not finish within 60 s", dir);
        }
        String stderr = new String(err.join(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail("kubectl kustomize %s failed (exit %d): %s", ROOT.relativize(dir), p.exitValue(), stderr);
        }
        return parseAll(new String(out, StandardCharsets.UTF_8));
    }

    /** Every document of a multi-document YAML text (empty documents left out). */
    static List<JsonNode> parseAll(String text) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    /** The shaded jar the build produces, relative to the repository root: server/target/{finalName}.jar. */
    static String shadedJar() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve("server/pom.xml").toFile());
        String finalName = pom.getElementsByTagName("finalName").item(0).getTextContent().trim();
        String text = Files.readString(ROOT.resolve("server/pom.xml"));
        // The shade plugin replaces the module's jar with the runnable one unless the shaded jar is attached apart.
        if (!text.contains("maven-shade-plugin") || text.contains("<shadedArtifactAttached>true")) {
            fail("server/pom.xml no longer makes %s.jar the one runnable (shaded) jar the deployment files run",
                    finalName);
        }
        return "server/target/" + finalName + ".jar";
    }

    /** The Java release the code is compiled for (maven.compiler.release of the parent pom). */
    static int javaRelease() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile());
        return Integer.parseInt(pom.getElementsByTagName("maven.compiler.release").item(0).getTextContent().trim());
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
