package io.jgoim.job.it;

import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.StaticNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobServer;
import io.jgoim.job.TestConfigs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A job node in its own JVM, for the kill -9 test: {@code JobProcess <cometId> <cometRpcAddr> <env name> <value>...}
 * reaches one comet over gRPC (a static registry) and runs until killed.
 */
public final class JobProcess {
    private JobProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<NodeInfo> comets = List.of(new NodeInfo(args[0], "", 1, List.of(), List.of(), List.of(), args[1], 0,
                false, System.currentTimeMillis()));
        List<String> env = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
        JobServer job = new JobServer(TestConfigs.config(env.toArray(new String[0])), new StaticNodeRegistry(comets),
                new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        job.start();
        System.out.println("JOB STARTED");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
