package io.jgoim.loadtest.worker;

import io.jgoim.loadtest.Coordinator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A worker's side of the parent link: phases are printed to stdout as {@code JGOIM-WORKER <phase>} lines, and a
 * {@code GO} line on stdin ends {@link #awaitGo}, a {@code STOP} line (or stdin closing, when the parent dies) ends
 * {@link #awaitStop} (and {@link #awaitGo}). Thread-safe.
 */
public final class StdioCoordinator implements Coordinator {
    public static final String PREFIX = "JGOIM-WORKER ";
    public static final String STOP = "STOP";
    public static final String GO = "GO";

    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);

    public StdioCoordinator(PrintStream out) {
        this(out, System.in);
    }

    /** Phases to {@code out}, GO and STOP from {@code in} (the parent's pipe). */
    public StdioCoordinator(PrintStream out, java.io.InputStream in) {
        this.out = out;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.trim().equals(STOP)) {
                        break;
                    }
                    if (line.trim().equals(GO)) {
                        go.countDown();
                    }
                }
            } catch (IOException e) {
                // stdin gone: the parent is gone; stop as well
            }
            go.countDown();
            stop.countDown();
        }, "loadtest-worker-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void phase(String name) {
        synchronized (out) {
            out.println(PREFIX + name);
            out.flush();
        }
    }

    @Override
    public boolean isWorker() {
        return true;
    }

    @Override
    public void awaitGo(Duration max) {
        try {
            go.await(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void awaitStop(Duration max) {
        try {
            stop.await(max.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
