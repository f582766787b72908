package io.jgoim.loadtest.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.loadtest.ScenarioResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The parent's side of a multi-process run: spawns N child JVMs of the load tool (same classpath, same arguments plus
 * their worker index and a result file), watches their {@code JGOIM-WORKER} phase lines, sends {@code STOP}, and reads
 * their JSON results. Each child has its own open-files limit, which is how a run goes past one process's cap.
 * Used from one thread; {@link #close()} kills children that are still alive.
 */
public final class WorkerProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> resultFiles = new ArrayList<>();
    private final Map<String, CountDownLatch> phases = new ConcurrentHashMap<>();
    private final int count;

    private WorkerProcesses(int count) {
        this.count = count;
    }

    /**
     * Starts {@code count} workers running {@code mainClass} with {@code args} followed by
     * {@code --processes 1 --worker-index i --worker-count count --result-file f --server-pid 0}.
     */
    public static WorkerProcesses start(String mainClass, List<String> args, int count, List<String> jvmOptions,
                                        Path dir) throws IOException {
        WorkerProcesses w = new WorkerProcesses(count);
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Files.createDirectories(dir);
        try {
            for (int i = 0; i < count; i++) {
                Path result = dir.resolve("worker-" + i + ".json");
                Files.deleteIfExists(result);
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(inheritedAccessFlags());
                cmd.addAll(jvmOptions);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(mainClass);
                cmd.addAll(args);
                cmd.addAll(List.of("--processes", "1", "--worker-index", Integer.toString(i), "--worker-count",
                        Integer.toString(count), "--result-file", result.toString(), "--server-pid", "0"));
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                w.processes.add(p);
                w.resultFiles.add(result);
                w.watch(p, i);
            }
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /**
     * The parent's module and access flags ({@code --add-opens}, {@code --enable-native-access},
     * {@code --sun-misc-unsafe-memory-access}, ...): children need what the parent's launcher gave it.
     */
    static List<String> inheritedAccessFlags() {
        List<String> out = new ArrayList<>();
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--")) {
                out.add(a);
            }
        }
        return out;
    }

    private void watch(Process p, int index) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(StdioCoordinator.PREFIX)) {
                        latch(line.substring(StdioCoordinator.PREFIX.length()).trim()).countDown();
                    } else {
                        System.out.println("[worker " + index + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "loadtest-worker-" + index + "-out");
        t.setDaemon(true);
        t.start();
    }

    private CountDownLatch latch(String phase) {
        return phases.computeIfAbsent(phase, n -> new CountDownLatch(count));
    }

    /** Waits until every worker announced {@code phase}; false on timeout or when a worker died first. */
    public boolean awaitPhase(String phase, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        CountDownLatch l = latch(phase);
        while (System.nanoTime() < end) {
            if (l.await(200, TimeUnit.MILLISECONDS)) {
                return true;
            }
            for (Process p : processes) {
                if (!p.isAlive() && p.exitValue() != 0) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Sends STOP to every worker. */
    public void stop() {
        send(StdioCoordinator.STOP);
    }

    /** Sends GO to every worker: they start their measured sessions. */
    public void go() {
        send(StdioCoordinator.GO);
    }

    private void send(String line) {
        for (Process p : processes) {
            try {
                OutputStream in = p.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                // already gone; its exit code tells
            }
        }
    }

    /** Waits for every worker to exit and reads their results; throws naming the first worker that failed. */
    public List<ScenarioResult> results(Duration max) throws IOException, InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        ObjectMapper json = new ObjectMapper();
        List<ScenarioResult> out = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            long left = Math.max(0, end - System.nanoTime());
            if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                throw new IOException("worker " + i + " still running after " + max);
            }
            if (p.exitValue() != 0 || !Files.exists(resultFiles.get(i))) {
                throw new IOException("worker " + i + " failed with exit code " + p.exitValue());
            }
            out.add(json.readValue(resultFiles.get(i).toFile(), ScenarioResult.class));
        }
        return out;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
