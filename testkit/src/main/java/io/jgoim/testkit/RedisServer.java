package io.jgoim.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a random loopback port, started as a child process for tests. It can be stopped and
 * started again on the same port (to test "Redis down" and recovery). A missing binary fails loudly: CI installs it,
 * and a test that needs Redis must never be skipped.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final String host;
    private final IsolatedHost isolated;
    private Process process;

    private RedisServer(int port, Path dir, String host, IsolatedHost isolated) {
        this.port = port;
        this.dir = dir;
        this.host = host;
        this.isolated = isolated;
    }

    /** Starts a redis-server on a free port and waits until it accepts connections. */
    public static RedisServer start() {
        return start(null);
    }

    /**
     * Starts a redis-server on {@code host} (its own network namespace: {@link IsolatedHost}), listening on the host's
     * address; the caller closes the host after this server.
     */
    public static RedisServer startOn(IsolatedHost host) {
        return start(host);
    }

    private static RedisServer start(IsolatedHost isolated) {
        try {
            RedisServer r = new RedisServer(FreePorts.next(), Files.createTempDirectory("jgoim-redis"),
                    isolated == null ? "127.0.0.1" : isolated.address(), isolated);
            r.startProcess();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed? apt-get install redis-server)", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port} (or the isolated host's address). */
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the server (SIGKILL, like a crash) and waits for the port to close. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /**
     * Freezes the server (SIGSTOP), as a hung host, a stalled disk under a fork or a long pause would: its sockets stay
     * open and accept bytes, nothing is answered until {@link #resume()}, and then every command it read is carried
     * out, late.
     */
    public synchronized void pause() {
        Signals.freeze(running());
    }

    /** Lets a {@link #pause() paused} server run again (SIGCONT). */
    public synchronized void resume() {
        Signals.thaw(running());
    }

    private Process running() {
        if (process == null) {
            throw new IllegalStateException("redis-server is not running");
        }
        return process;
    }

    /** Starts the server again on the same port. */
    public synchronized void restart() {
        stop();
        try {
            startProcess();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart redis-server", e);
        }
    }

    private synchronized void startProcess() throws IOException {
        // protected mode refuses clients from anywhere but loopback: off on an isolated host's own address
        List<String> argv = List.of("redis-server", "--port", String.valueOf(port), "--bind", host,
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--protected-mode", isolated == null ? "yes" : "no");
        process = new ProcessBuilder(isolated == null ? argv : isolated.command(argv.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IOException("redis-server did not open port " + port + " within 10 s");
    }

    @Override
    public void close() {
        stop();
    }


    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
