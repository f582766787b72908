package io.jgoim.job;

import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.common.session.SessionDirectory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a job node from a config file. The node registry and session directory (Redis in a cluster) are supplied by
 * the launcher ({@code dist}), which owns their configuration; this class wires them to a {@link JobServer}, adds
 * a shutdown hook that closes it, and waits.
 */
public final class JobMain {
    private JobMain() {
    }

    /** Starts a job and blocks until the JVM is asked to stop. */
    public static void run(Path configFile, NodeRegistry nodes, SessionDirectory sessions) throws InterruptedException {
        JobConfig config = JobConfig.load(configFile, System.getenv());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobServer server = new JobServer(config, nodes, sessions, registry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "job-shutdown"));
        server.start();
        stopped.await();
    }
}
