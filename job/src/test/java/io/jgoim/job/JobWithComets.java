package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;

/**
 * A job under test and the comets it finds in an in-memory node registry, each served over real gRPC
 * ({@link ServedComets}): the set-up of the ITs of job's links to comets. Close it after each test.
 */
final class JobWithComets implements AutoCloseable {
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    final ServedComets comets;
    private JobServer job;

    /** Comets registered with {@code ttl}. */
    JobWithComets(Duration ttl) {
        this.comets = new ServedComets(nodes, ttl);
    }

    /** Starts job with {@code env} over the test defaults ({@link TestConfigs#config}). */
    JobServer start(String... env) {
        job = new JobServer(TestConfigs.config(env), nodes, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                meters);
        job.start();
        return job;
    }

    JobServer job() {
        return job;
    }

    /** A broadcast of op 1000 carrying {@code body}. */
    static PushMsg broadcast(String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build();
    }

    /** Pushes job gave up, all comets and types. */
    double pushFailures() {
        return meters.find("jgoim.job.push.failures").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() throws InterruptedException {
        if (job != null) {
            job.close();
        }
        comets.close();
    }
}
