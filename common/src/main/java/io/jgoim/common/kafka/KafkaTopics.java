package io.jgoim.common.kafka;

import io.jgoim.common.config.ConfigException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start-up check of a node's Kafka topics: every topic it produces to or consumes from must exist before the
 * node takes traffic — otherwise the first push waits for metadata and fails with "not present in metadata", or the
 * broker auto-creates the topic with its default single partition, which caps job's parallelism for good. Creates
 * the missing topics when {@link TopicsConfig#create} allows, else fails naming them with the command that creates
 * them. One Admin client for the check, closed after it.
 */
public final class KafkaTopics {
    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

    private KafkaTopics() {
    }

    /**
     * Makes sure {@code topics} exist on {@code bootstrapServers}; returns the ones it created.
     *
     * @throws ConfigException       a topic is missing and may not be created
     * @throws IllegalStateException no broker answered within {@code checkTimeout}
     */
    public static List<String> ensure(String bootstrapServers, Collection<String> topics, TopicsConfig config) {
        TreeSet<String> wanted = new TreeSet<>(topics);
        wanted.removeIf(String::isBlank);
        if (wanted.isEmpty()) {
            return List.of();
        }
        long deadline = System.nanoTime() + config.checkTimeout().toNanos();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int ms = (int) Math.max(1, config.checkTimeout().toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        try (Admin admin = Admin.create(p)) {
            List<String> missing = missing(admin, wanted, deadline, bootstrapServers, config);
            if (missing.isEmpty()) {
                return List.of();
            }
            if (!config.create()) {
                throw new ConfigException("kafka: topic" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                        + " missing on " + bootstrapServers + " and kafka.topics.create is false; create "
                        + (missing.size() > 1 ? "them" : "it") + ", e.g. " + command(missing.get(0), config)
                        + " (docs/operations.md, Kafka topics)");
            }
            create(admin, missing, deadline, bootstrapServers, config);
            log.info("kafka: created topics {} ({} partitions, replication {})", missing, config.partitions(),
                    config.replicationFactor() < 0 ? "broker default" : config.replicationFactor());
            return missing;
        }
    }

    private static List<String> missing(Admin admin, Collection<String> wanted, long deadline, String servers,
                                        TopicsConfig config) {
        List<String> missing = new ArrayList<>();
        Map<String, org.apache.kafka.common.KafkaFuture<TopicDescription>> described =
                admin.describeTopics(wanted).topicNameValues();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<TopicDescription>> e : described.entrySet()) {
            try {
                TopicDescription d = e.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
                if (d.partitions().size() < config.partitions()) {
                    log.info("kafka: topic {} has {} partitions (kafka.topics.partitions is {}): job nodes beyond {}"
                            + " stay idle", d.name(), d.partitions().size(), config.partitions(),
                            d.partitions().size());
                }
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(e.getKey());
                } else {
                    throw unreachable(servers, config, ex.getCause());
                }
            } catch (TimeoutException ex) {
                throw unreachable(servers, config, ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw unreachable(servers, config, ex);
            }
        }
        return missing;
    }

    private static void create(Admin admin, List<String> missing, long deadline, String servers,
                               TopicsConfig config) {
        List<NewTopic> list = new ArrayList<>(missing.size());
        Optional<Short> rf = config.replicationFactor() < 0 ? Optional.empty()
                : Optional.of((short) config.replicationFactor());
        for (String t : missing) {
            list.add(new NewTopic(t, Optional.of(config.partitions()), rf));
        }
        try {
            admin.createTopics(list).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) { // another node created it meanwhile: fine
                throw new ConfigException("kafka: cannot create topics " + missing + " on " + servers + ": "
                        + e.getCause().getMessage() + "; create them, e.g. " + command(missing.get(0), config), e);
            }
        } catch (TimeoutException e) {
            throw unreachable(servers, config, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(servers, config, e);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private static IllegalStateException unreachable(String servers, TopicsConfig config, Throwable cause) {
        return new IllegalStateException("kafka: no broker at " + servers + " answered within "
                + config.checkTimeout().toMillis() + " ms (kafka.bootstrapServers; is the broker up and reachable?)",
                cause);
    }

    private static String command(String topic, TopicsConfig config) {
        return "kafka-topics.sh --bootstrap-server <broker> --create --topic " + topic + " --partitions "
                + config.partitions() + (config.replicationFactor() < 0 ? "" : " --replication-factor "
                + config.replicationFactor());
    }
}
