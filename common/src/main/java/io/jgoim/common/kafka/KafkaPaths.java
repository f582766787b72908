package io.jgoim.common.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.util.Properties;

/**
 * How patiently every Kafka client of a node treats a silent path to a broker: a broker host that lost power, a dead
 * switch port, a firewall that drops — nothing reset, nothing acknowledged.
 *
 * <p>Why: a request in flight on such a path waits for TCP's retransmissions, whose back-off doubles (after a 15 s cut
 * the next one comes ~10 s after the path is back: job measured 12.7 s from the heal to its first delivery with
 * Kafka's defaults, {@code KafkaPartitionIT}), and Kafka only gives the connection up at the request's timeout (the
 * consumer's 30 s by default). Its reconnects then wait for a TCP handshake whose own timeout grows to 30 s. Bounded
 * here: the consumer gives a silent connection up after 10 s (its fetches wait at most 500 ms on the broker, so an
 * answer that takes 10 s is not coming), and a new connection that does not complete within 3 s (5 s at most after
 * repeated failures) is tried again, so once the path returns a client is back within a few seconds.
 */
public final class KafkaPaths {
    /** A TCP (and TLS/SASL) handshake that takes longer is given up and tried again. */
    public static final int CONNECTION_SETUP_TIMEOUT_MS = 3_000;
    /** The handshake timeout after repeated failures (Kafka's grows it exponentially; its default cap is 30 s). */
    public static final int CONNECTION_SETUP_TIMEOUT_MAX_MS = 5_000;
    /** The consumer's request timeout (Kafka's default is 30 s). */
    public static final int CONSUMER_REQUEST_TIMEOUT_MS = 10_000;

    private KafkaPaths() {
    }

    /** The handshake bounds, for any client (producer, consumer, admin). */
    public static Properties connections(Properties p) {
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
                Integer.toString(CONNECTION_SETUP_TIMEOUT_MS));
        p.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
                Integer.toString(CONNECTION_SETUP_TIMEOUT_MAX_MS));
        return p;
    }

    /** The handshake bounds and the consumer's request timeout. */
    public static Properties consumer(Properties p) {
        connections(p);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(CONSUMER_REQUEST_TIMEOUT_MS));
        return p;
    }
}
