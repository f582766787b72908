package io.jgoim.logic;

import io.jgoim.common.config.ConfigException;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.RedisHistoryStore;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a logic node for a cluster: Redis session directory and node registry, Kafka bus. Usage:
 * {@code LogicMain [config.yaml]}; every key can be overridden by {@code JGOIM_*} environment variables.
 */
public final class LogicMain {
    private LogicMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LogicConfig config;
        try {
            config = LogicConfig.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        } catch (ConfigException e) {
            // One line naming the key (e.g. the token secret to set), no stack trace: it is the operator's to fix.
            System.err.println("jgoim logic: bad config: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Records print every value; JwtKey.toString() leaves secrets out.
        LoggerFactory.getLogger(LogicMain.class).info("effective config: {}", config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RedisClients redis = config.redis().connection().connect();
        RedisSessionDirectory directory = new RedisSessionDirectory(redis, config.redis().sessionTtl(),
                config.redis().sessionWriteWindow(), config.redis().sessionWriteQueue(), registry,
                java.time.Clock.systemUTC());
        RedisNodeRegistry nodes = new RedisNodeRegistry(redis);
        KafkaPushPublisher kafka = new KafkaPushPublisher(config.kafka(), config.node().id(), registry);
        HistoryStore history = config.history().anyEnabled() ? new RedisHistoryStore(redis, registry) : null;
        LogicServer server = new LogicServer(config, directory, kafka, nodes, registry, kafka, history,
                new io.jgoim.logic.revoke.RedisDenyList(redis, java.time.Clock.systemUTC()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            kafka.close();
            redis.close();
            stopped.countDown();
        }, "jgoim-logic-shutdown"));
        server.start();
        stopped.await();
    }
}
