package io.jgoim.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a random loopback port, started as a child process for tests. It can be stopped and
 * started again on the same port (to test "Redis down" and recovery). A missing binary fails loudly: CI installs it,
 * and a test that needs Redis must never be skipped.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts a redis-server on a free port and waits until it accepts connections. */
    public static RedisServer start() {
        try {
            RedisServer r = new RedisServer(FreePorts.next(), Files.createTempDirectory("jgoim-redis"));
            r.startProcess();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (is it installed? apt-get install redis-server)", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
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
        process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
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
