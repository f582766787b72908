package io.jgoim.testkit;

import java.util.concurrent.CountDownLatch;

/**
 * Runs one {@link KafkaBroker} as a process, for benchmark scripts on a machine with no Kafka package:
 * {@code KafkaMain TOPIC[:PARTITIONS] ...}. Prints {@code bootstrap=host:port} once the topics exist, then serves
 * until it is stopped (SIGTERM), deleting its data. Clients are served on 127.0.0.1, or on the address of the system
 * property {@code jgoim.kafka.host}.
 */
public final class KafkaMain {
    private KafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaBroker broker = KafkaBroker.start(System.getProperty("jgoim.kafka.host", "127.0.0.1"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-main-shutdown"));
        for (String a : args) {
            int colon = a.indexOf(':');
            String topic = colon < 0 ? a : a.substring(0, colon);
            int partitions = colon < 0 ? 4 : Integer.parseInt(a.substring(colon + 1));
            broker.createTopics(partitions, topic);
        }
        System.out.println("bootstrap=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
