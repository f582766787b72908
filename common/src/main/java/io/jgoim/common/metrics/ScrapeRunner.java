package io.jgoim.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Renders a {@code /metrics} exposition on a thread of its own instead of the HTTP event loop that read the request.
 * A scrape evaluates every gauge of the registry, even one that asks for a few families (Micrometer's collectors
 * do not say their names up front, so the Prometheus client collects them all and filters after), and some gauges
 * cost in proportion to the node's size: the open file descriptors are counted by listing {@code /proc/self/fd},
 * one entry per socket. Measured on a standalone node with 5,000 sessions, one filtered scrape took ~13 ms of its
 * loop's CPU, a third of it in that listing (BENCHMARKS.md, issue 17). On logic that loop is the push API's: every
 * scrape held back the pushes read behind it. Here the loops only hand the request over and write the answer.
 *
 * <p>One daemon thread per JVM (nodes sharing a JVM share it: scrapes are rare and sequential work) and at most
 * {@link #MAX_WAITING} scrapes waiting for it; one more is refused at once ({@link RejectedExecutionException}, the
 * caller answers 429 with a retry), so a flood of scrapes queues neither memory nor CPU without bound. Thread-safe.
 */
final class ScrapeRunner {
    /** Scrapes waiting behind the one in progress at most: a Prometheus pair and an operator's curls need a few. */
    static final int MAX_WAITING = 8;
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private static final ScrapeRunner SHARED = new ScrapeRunner(newThread(MAX_WAITING));

    private final Executor executor;

    ScrapeRunner(Executor executor) {
        this.executor = executor;
    }

    /** The JVM's runner. */
    static ScrapeRunner shared() {
        return SHARED;
    }

    /**
     * The exposition of {@code families} ({@code null}: every family) of {@code registry}, rendered on the runner's
     * thread; fails with {@link RejectedExecutionException} when {@link #MAX_WAITING} scrapes already wait.
     */
    CompletableFuture<String> scrape(PrometheusMeterRegistry registry, Set<String> families) {
        try {
            return CompletableFuture.supplyAsync(() -> render(registry, families), executor);
        } catch (RejectedExecutionException e) {
            Counter.builder("jgoim.metrics.scrapes.refused").description("scrapes of /metrics answered 429 at once: "
                    + MAX_WAITING + " were already waiting for the scrape thread").register(registry).increment();
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Renders on the runner's thread and records how long it took (the time a scrape holds that thread). */
    private static String render(PrometheusMeterRegistry registry, Set<String> families) {
        long start = System.nanoTime();
        try {
            return families == null ? registry.scrape() : registry.scrape(TEXT_FORMAT, families);
        } finally {
            Timer.builder("jgoim.metrics.scrape").description("time to render one /metrics exposition on the scrape "
                    + "thread (every gauge is evaluated, whatever name[] asks)").register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** One thread named {@code jgoim-scrape}, {@code waiting} tasks queued at most, the rest refused. */
    static ThreadPoolExecutor newThread(int waiting) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(waiting), r -> {
            Thread t = new Thread(r, "jgoim-scrape");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }
}
