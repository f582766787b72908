package io.jgoim.server;

import io.grpc.ManagedChannel;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.logic.LogicChannels;
import io.jgoim.common.health.KafkaTopicProbe;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.RedisHistoryStore;
import io.jgoim.common.kafka.KafkaTopics;
import io.jgoim.common.logging.NodeLogging;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The cluster node commands: {@code jgoim comet | logic | job --config FILE}. Each builds its node with the Redis
 * and Kafka implementations of the seams, starts it, and waits for SIGTERM, on which it shuts down gracefully. Each
 * applies its {@code logging:} section first, so from then on every log line is the node's (JSON by default).
 */
final class NodeCommands {
    private static final Logger log = LoggerFactory.getLogger(NodeCommands.class);

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
                    log.warn("error while stopping: {}", e.toString());
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
            CometConfig c = CometConfig.load(config, System.getenv());
            NodeLogging.apply("comet", c.node().id(), c.logging(), true);
            EnvCheck.warnUnknown(System.getenv(), config);
            RedisClients r = c.redis().connect();
            // Every logic node registered in Redis (or a DNS name, or a fixed list), balanced and failed over.
            GrpcChannelTls tls = GrpcChannelTls.of(c.logic().tls(), "logic.tls");
            PrometheusMeterRegistry meters = meters();
            // Client-side adaptive throttling of the calls to logic (one throttle for the target), outermost.
            io.grpc.ClientInterceptor throttle = LogicChannels.throttle(c.logic(), meters);
            ManagedChannel channel = LogicChannels.build(c.logic(),
                    new RedisNodeRegistry(r, Clock.systemUTC(), RedisNodeRegistry.LOGIC),
                    b -> tls.apply(b).intercept(GrpcTracing.clientIf(c.tracing().enabled())).intercept(throttle));
            CometServer server = new CometServer(c, new GrpcLogicClient(channel, c.protocol().logicTimeout()),
                    new RedisNodeRegistry(r), meters);
            NodeProbes.comet(server, channel, r);
            server.start();
            log.info("jgoim comet {} started: {}", c.node().id(), server.boundAddresses());
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
            LogicConfig c = LogicConfig.load(config, System.getenv());
            NodeLogging.apply("logic", c.node().id(), c.logging(), true);
            EnvCheck.warnUnknown(System.getenv(), config);
            List<String> topics = new java.util.ArrayList<>(List.of(c.kafka().topic(), c.kafka().upstreamTopic()));
            if (c.upstream().hasComments()) {
                topics.add(c.upstream().comment().topic());
            }
            KafkaTopics.ensure(c.kafka().bootstrapServers(), topics, c.kafka().topics());
            PrometheusMeterRegistry meters = meters();
            RedisClients r = c.redis().connection().connect();
            RedisSessionDirectory sessions = new RedisSessionDirectory(r, c.redis().sessionTtl(),
                    c.redis().sessionWriteWindow(), c.redis().sessionWriteQueue(), meters, Clock.systemUTC());
            KafkaPushPublisher kafka = new KafkaPushPublisher(c.kafka(), c.node().id(), meters);
            // Stream history (member positions, History reads for comets) in the same Redis as the routes.
            HistoryStore history = c.history().anyEnabled() ? new RedisHistoryStore(r, meters) : null;
            // The deny list in the same Redis too: every logic node refuses, every comet closes, the same tokens.
            // comment upstream routes publish the comment event to job's comment topic, keyed by room.
            String commentTopic = c.upstream().comment().topic();
            LogicServer server = new LogicServer(c, sessions, kafka, new RedisNodeRegistry(r), meters, kafka,
                    history, new RedisDenyList(r, java.time.Clock.systemUTC()),
                    (room, event) -> kafka.publishRecord(commentTopic, room, event));
            KafkaTopicProbe probe = NodeProbes.logic(server, c, r);
            server.start();
            log.info("jgoim logic {} started: http {}, grpc {}", c.node().id(), server.httpAddress(),
                    server.grpcAddress());
            if (c.grpc().enabled() && c.grpc().registry().enabled()) {
                // Comets balance over the registered logic nodes; closed first at stop, so they move off this one.
                LogicRegistration registration = new LogicRegistration(
                        new RedisNodeRegistry(r, Clock.systemUTC(), RedisNodeRegistry.LOGIC), c.grpc().registry(),
                        c.node().id(), LogicRegistration.advertised(c.grpc().advertise(), server.grpcAddress()),
                        Clock.systemUTC());
                registration.start();
                return awaitShutdown(registration, server, probe, kafka, r);
            }
            return awaitShutdown(server, probe, kafka, r);
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
            JobConfig c = JobConfig.load(config, System.getenv());
            NodeLogging.apply("job", c.node().id(), c.logging(), true);
            EnvCheck.warnUnknown(System.getenv(), config);
            KafkaTopics.ensure(c.kafka().bootstrapServers(), c.kafkaTopics(), c.kafka().topics());
            PrometheusMeterRegistry meters = meters();
            RedisClients r = c.redis().connect();
            // Job only reads routes (play-history lookups); logic owns their TTL.
            RedisSessionDirectory sessions = new RedisSessionDirectory(r, Duration.ofMinutes(30), meters);
            // Room positions: one history append per room batch, in the Redis logic reads history from.
            HistoryStore history = c.history().streams().anyEnabled() ? new RedisHistoryStore(r, meters) : null;
            JobServer server = new JobServer(c, new RedisNodeRegistry(r), sessions, meters, history);
            KafkaTopicProbe probe = NodeProbes.job(server, c, r);
            server.start();
            log.info("jgoim job {} started", c.node().id());
            return awaitShutdown(server, probe, r);
        }
    }
}
