package io.jgoim.common.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Accepts failing for real: a listener in a child JVM started under {@code ulimit -n 256} ({@link AcceptErrorProbe})
 * takes all its file descriptors but two, and the test connects past them. Its accepts fail with EMFILE (the
 * client's connects wait in the backlog): the listener logs one WARN line without a stack trace for the repeated
 * failures, pauses and retries, and accepts again once a descriptor is free, while its open connections go on. The
 * same for a gRPC listener on {@link io.jgoim.common.grpc.GrpcServerLoops} (logic's; the comet's rpc listener takes
 * the same {@link AcceptingChannels} factory), where grpc-netty's bootstrap has no server-channel handler of its own.
 */
@Timeout(60)
class AcceptErrorIT {
    private Process child;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.getOutputStream().close();
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldPauseAcceptsAndLogOneLineWithoutAStackTraceWhenFileDescriptorsRunOut() throws Exception {
        int port = startChild(2);
        try (Line a = new Line(port); Line b = new Line(port)) {
            assertThat(a.ask("a")).isEqualTo("echo a");
            assertThat(b.ask("b")).isEqualTo("echo b");
            // the child has no descriptor left: this connect waits in the backlog while its accepts fail
            try (Line c = new Line(port)) {
                c.send("c");
                await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(a.ask("errors")) >= 3);
                assertThat(a.ask("still here")).as("an open connection is served on").isEqualTo("echo still here");
                b.close();
                // once the pause is over the accept succeeds: c's line was waiting in its socket
                assertThat(c.read()).isEqualTo("echo c");
            }
        }
        List<String> warnings = output.stream().filter(l -> l.contains("accept failed")).toList();
        assertThat(warnings).as("one line for three failed accepts or more, within 10 s").hasSize(1);
        assertThat(warnings.get(0)).contains("WARN")
                .contains("accept failed on probe: Too many open files; pausing accepts 1 s (1 since the last line)");
        assertThat(output).as("no stack trace, nothing reached the pipeline's tail")
                .noneMatch(l -> l.contains("\tat ") || l.startsWith("at ") || l.contains("Exception")
                        || l.contains("exceptionCaught"));
    }

    @Test
    void shouldPauseAGrpcListenerOnGrpcServerLoopsTheSameWay() throws Exception {
        int port = startChild(2, "grpc");
        int grpcPort = Integer.parseInt(output.stream().filter(l -> l.startsWith("READY ")).findFirst()
                .orElseThrow().split(" ")[3]);
        try (Line a = new Line(port); Line b = new Line(port)) {
            assertThat(a.ask("a")).isEqualTo("echo a");
            // no descriptor left: this HTTP/2 connect waits in the gRPC listener's backlog while its accepts fail
            try (Socket h2 = new Socket()) {
                h2.connect(new InetSocketAddress("127.0.0.1", grpcPort), 5000);
                h2.setSoTimeout(10_000);
                h2.getOutputStream().write(AcceptErrorProbe.HTTP2_PREFACE);
                await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(a.ask("errors")) >= 3);
                b.close();
                // once a descriptor is free and the pause over, the server takes it and answers with its SETTINGS
                byte[] frame = h2.getInputStream().readNBytes(9);
                assertThat(frame).hasSize(9);
                assertThat(frame[3]).as("an HTTP/2 SETTINGS frame").isEqualTo((byte) 4);
            }
        }
        List<String> warnings = output.stream().filter(l -> l.contains("accept failed")).toList();
        assertThat(warnings).as("one line for three failed accepts or more, within 10 s").hasSize(1);
        assertThat(warnings.get(0)).contains("WARN").contains("accept failed on probe-grpc: Too many open files");
        assertThat(output).as("no stack trace, nothing reached the pipeline's tail")
                .noneMatch(l -> l.contains("\tat ") || l.startsWith("at ") || l.contains("Exception")
                        || l.contains("exceptionCaught"));
    }

    private int startChild(int spare) throws Exception {
        return startChild(spare, "tcp");
    }

    /** Starts the probe under a low descriptor limit, keeping {@code spare} free; its port. */
    private int startChild(int spare, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder("bash", "-c", "ulimit -n 256 && exec \"$@\"", "probe", java, "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), AcceptErrorProbe.class.getName(),
                String.valueOf(spare), mode).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    output.add(l);
                }
            } catch (IOException ended) {
                // the child is gone
            }
        }, "probe-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(l -> l.startsWith("READY "))
                || !child.isAlive());
        String ready = output.stream().filter(l -> l.startsWith("READY ")).findFirst()
                .orElseThrow(() -> new AssertionError("the probe did not start: " + output));
        return Integer.parseInt(ready.split(" ")[1]);
    }

    /** A line-echo connection to the probe. */
    private static final class Line implements AutoCloseable {
        private final Socket socket = new Socket();
        private final BufferedReader in;

        Line(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        void send(String line) throws IOException {
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        String read() throws IOException {
            return in.readLine();
        }

        String ask(String line) throws IOException {
            send(line);
            return read();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
