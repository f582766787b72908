package io.jgoim.server;

import io.grpc.ManagedChannel;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.logic.LogicChannels;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.RedisHistoryStore;
import io.jgoim.common.kafka.KafkaTopics;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.common.tls.GrpcChannelTls;
import io.jgoim.common.tracing.GrpcTracing;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.node.LogicRegistration;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.logic.revoke.RedisDenyList;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The cluster node commands: {@code jgoim comet | logic | job --config FILE}. Each builds its node with the Redis
 * and Kafka implementations of the seams, starts it, and waits for SIGTERM, on which it shuts down gracefully.
 */
final class NodeCommands {
    private NodeCommands() {
    }

    /** Blocks until the JVM is asked to stop (SIGTERM, SIGINT), then closes {@code resources} in order. */
    static int awaitShutdown(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopped.countDown();
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("jgoim: error while stopping: " + e);
                }
            }
            closed.countDown();
        }, "jgoim-shutdown"));
        stopped.await();
        closed.await();
        return 0;
    }

    static PrometheusMeterRegistry meters() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Command(name = "comet", mixinStandardHelpOptions = true,
            description = {"Run a comet node: client listeners, gRPC push service for job, registered in Redis.",
                "Logic's address is logic.target, Redis is redis.uris (configs/comet.yaml)."})
    static final class Comet implements Callable<Integer> {
        @Option(names = "--config", description = "comet YAML (see configs/comet.yaml)")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            EnvCheck.warnUnknown(System.getenv(), config);
            CometConfig c = CometConfig.load(config, System.getenv());
            RedisClients r = c.redis().connect();
            // Every logic node registered in Redis (or a DNS name, or a fixed list), balanced and failed over.
            GrpcChannelTls tls = GrpcChannelTls.of(c.logic().tls(), "logic.tls");
            ManagedChannel channel = LogicChannels.build(c.logic().target(),
                    new RedisNodeRegistry(r, Clock.systemUTC(), RedisNodeRegistry.LOGIC), c.logic().refreshInterval(),
                    b -> tls.apply(b).intercept(GrpcTracing.clientIf(c.tracing().enabled())));
            CometServer server = new CometServer(c, new GrpcLogicClient(channel, c.protocol().logicTimeout()),
                    new RedisNodeRegistry(r), meters());
            server.start();
            System.out.printf("jgoim comet %s started: %s%n", c.node().id(), server.boundAddresses());
            return awaitShutdown(server, channel::shutdownNow, r);
        }
    }

    @Command(name = "logic", mixinStandardHelpOptions = true,
            description = "Run a logic node: HTTP push API, gRPC for comets, Redis routing, Kafka publishing.")
    static final class Logic implements Callable<Integer> {
        @Option(names = "--config", description = "logic YAML (see configs/logic.yaml)")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            EnvCheck.warnUnknown(System.getenv(), config);
            LogicConfig c = LogicConfig.load(config, System.getenv());
            KafkaTopics.ensure(c.kafka().bootstrapServers(), List.of(c.kafka().topic(), c.kafka().upstreamTopic()),
                    c.kafka().topics());
            PrometheusMeterRegistry meters = meters();
            RedisClients r = RedisClients.connect(c.redis().uris(), c.redis().cluster(), c.redis().commandTimeout(),
                    c.redis().requestQueueSize());
            RedisSessionDirectory sessions = new RedisSessionDirectory(r, c.redis().sessionTtl(), meters);
            KafkaPushPublisher kafka = new KafkaPushPublisher(c.kafka(), c.node().id(), meters);
            // Stream history (member positions, History reads for comets) in the same Redis as the routes.
            HistoryStore history = c.history().anyEnabled() ? new RedisHistoryStore(r, meters) : null;
            // The deny list in the same Redis too: every logic node refuses, every comet closes, the same tokens.
            LogicServer server = new LogicServer(c, sessions, kafka, new RedisNodeRegistry(r), meters, kafka,
                    history, new RedisDenyList(r, java.time.Clock.systemUTC()));
            server.start();
            System.out.printf("jgoim logic %s started: http %s, grpc %s%n", c.node().id(), server.httpAddress(),
                    server.grpcAddress());
            if (c.grpc().enabled() && c.grpc().registry().enabled()) {
                // Comets balance over the registered logic nodes; closed first at stop, so they move off this one.
                LogicRegistration registration = new LogicRegistration(
                        new RedisNodeRegistry(r, Clock.systemUTC(), RedisNodeRegistry.LOGIC), c.grpc().registry(),
                        c.node().id(), LogicRegistration.advertised(c.grpc().advertise(), server.grpcAddress()),
                        Clock.systemUTC());
                registration.start();
                return awaitShutdown(registration, server, kafka, r);
            }
            return awaitShutdown(server, kafka, r);
        }
    }

    @Command(name = "job", mixinStandardHelpOptions = true,
            description = {"Run a job node: consume Kafka, batch rooms, push to the comets of the Redis registry.",
                "Kafka is kafka.*, Redis is redis.uris (configs/job.yaml)."})
    static final class Job implements Callable<Integer> {
        @Option(names = "--config", description = "job YAML (see configs/job.yaml)")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            EnvCheck.warnUnknown(System.getenv(), config);
            JobConfig c = JobConfig.load(config, System.getenv());
            KafkaTopics.ensure(c.kafka().bootstrapServers(), c.kafkaTopics(), c.kafka().topics());
            PrometheusMeterRegistry meters = meters();
            RedisClients r = c.redis().connect();
            // Job only reads routes (play-history lookups); logic owns their TTL.
            RedisSessionDirectory sessions = new RedisSessionDirectory(r, Duration.ofMinutes(30), meters);
            // Room positions: one history append per room batch, in the Redis logic reads history from.
            HistoryStore history = c.history().streams().anyEnabled() ? new RedisHistoryStore(r, meters) : null;
            JobServer server = new JobServer(c, new RedisNodeRegistry(r), sessions, meters, history);
            server.start();
            System.out.printf("jgoim job %s started%n", c.node().id());
            return awaitShutdown(server, r);
        }
    }
}
