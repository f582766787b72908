package io.jgoim.common.redis;

import io.jgoim.testkit.FreePorts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real three-master Redis Cluster of child {@code redis-server} processes on random loopback ports, created with
 * {@code redis-cli --cluster create}. For the Cluster runs of the contract tests: hash tags and single-key Lua
 * scripts must hold on Cluster, not only on one node.
 */
public final class RedisClusterHarness implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Path dir;

    private RedisClusterHarness(Path dir) {
        this.dir = dir;
    }

    public static RedisClusterHarness start() {
        try {
            RedisClusterHarness h = new RedisClusterHarness(Files.createTempDirectory("jgoim-redis-cluster"));
            try {
                h.boot();
            } catch (IOException | RuntimeException e) {
                h.close();
                throw e;
            }
            return h;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a Redis Cluster (redis-server and redis-cli needed)", e);
        }
    }

    public List<String> uris() {
        List<String> out = new ArrayList<>();
        for (int p : ports) {
            out.add("redis://127.0.0.1:" + p);
        }
        return out;
    }

    private void boot() throws IOException {
        List<String> addrs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = FreePorts.next();
            int bus = FreePorts.next();
            Path nodeDir = Files.createDirectories(dir.resolve("n" + i));
            Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-port", String.valueOf(bus),
                    "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                    "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no",
                    "--dir", nodeDir.toString(), "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(nodeDir.resolve("redis.log").toFile()).start();
            processes.add(p);
            ports.add(port);
            addrs.add("127.0.0.1:" + port);
            awaitPort(port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        create.addAll(addrs);
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process c = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(dir.resolve("create.log").toFile()).start();
        try {
            if (!c.waitFor(30, TimeUnit.SECONDS) || c.exitValue() != 0) {
                throw new IOException("redis-cli --cluster create failed: "
                        + Files.readString(dir.resolve("create.log")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!allOk()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("cluster did not reach cluster_state:ok");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private boolean allOk() throws IOException, InterruptedException {
        for (int p : ports) {
            Process info = new ProcessBuilder("redis-cli", "-p", String.valueOf(p), "cluster", "info")
                    .redirectErrorStream(true).start();
            String out = new String(info.getInputStream().readAllBytes());
            info.waitFor();
            if (!out.contains("cluster_state:ok")) {
                return false;
            }
        }
        return true;
    }

    private static void awaitPort(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IOException("redis-server did not open port " + port);
    }


    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
