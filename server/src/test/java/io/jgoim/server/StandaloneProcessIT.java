package io.jgoim.server;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.CloseCode;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable jar as a user runs it: {@code java -jar jgoim.jar standalone} serves, takes a session, and on SIGTERM
 * closes that session with SHUTDOWN (4001, reconnect) and exits by itself; it prints the demo page's URL, which
 * serves the page.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneProcessIT {
    private static final Pattern STARTED = Pattern.compile("started in (\\d+) ms: tcp \\S*:(\\d+),");
    /** The line a newcomer opens: the demo page (docs/demo.md), on by default in standalone. */
    private static final Pattern DEMO = Pattern.compile("^demo: (http://127\\.0\\.0\\.1:\\d+/demo/) ");
    private final CompletableFuture<String> demoUrl = new CompletableFuture<>();

    @Test
    void shouldServeThenDrainSessionsOnSigterm(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "jgoim.jar");
        assertThat(jar).exists();
        Path cfg = dir.resolve("standalone.yaml");
        Files.writeString(cfg, "comet:\n  tcp: {port: 0}\n  webSocket: {port: 0}\n  wss: {port: 0}\n"
                + "  shutdown: {drainTime: 1s}\nlogic:\n  http: {port: 0}\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "standalone", "--config", cfg.toString())
                .redirectErrorStream(true).start();
        EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
        try {
            int port = awaitStarted(p);
            CompletableFuture<Integer> closeCode = new CompletableFuture<>();
            JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).transport(Transport.TCP)
                    .goimToken(1, "", "live://1", "test", 1000).extended(true).reconnect(false).group(group)
                    .listener(new ClientListener() {
                        @Override
                        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
                            closeCode.complete(status.code());
                        }
                    }).build();
            c.connect().get(10, TimeUnit.SECONDS);
            java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(demoUrl.get(20, TimeUnit.SECONDS)))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as("the printed demo URL").isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("jgoim live comments");

            p.destroy(); // SIGTERM
            assertThat(closeCode.get(20, TimeUnit.SECONDS)).isEqualTo(CloseCode.SHUTDOWN.code());
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            c.close();
        } finally {
            p.destroyForcibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private int awaitStarted(Process p) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[standalone] " + line);
                    Matcher m = STARTED.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(2)));
                    }
                    Matcher d = DEMO.matcher(line);
                    if (d.find()) {
                        demoUrl.complete(d.group(1));
                    }
                }
                port.completeExceptionally(new AssertionError("standalone exited before it started"));
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
        }, "standalone-output");
        reader.setDaemon(true);
        reader.start();
        return port.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
    }
}
