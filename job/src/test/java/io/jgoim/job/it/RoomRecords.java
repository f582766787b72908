package io.jgoim.job.it;

import com.google.protobuf.ByteString;
import io.jgoim.job.RecordingCometService;
import io.jgoim.protocol.push.PushMsg;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Numbered room pushes straight onto the push topic, as logic publishes them (keyed by room), round robin over
 * {@code rooms} rooms {@code live://0..}: push {@code i} goes to room {@code i % rooms} with the body
 * {@code live://<room>#<i>}. The producer keeps send order per partition (one request in flight, no idempotence, so a
 * retry cannot reorder), and the test can tell which pushes a comet got, how often and in which order.
 */
final class RoomRecords implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final int rooms;

    RoomRecords(String bootstrapServers, String topic, int rooms) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"),
                new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.rooms = rooms;
    }

    /** Sends push {@code i}. */
    void send(int i) {
        String room = "live://" + (i % rooms);
        producer.send(new ProducerRecord<>(topic, room, PushMsg.newBuilder().setType(PushMsg.Type.ROOM)
                .setOperation(1000).setRoom(room).setMsg(ByteString.copyFromUtf8(room + "#" + i)).build()
                .toByteArray()));
    }

    void flush() {
        producer.flush();
    }

    /**
     * Per room, what {@code comet} got that breaks "every one of pushes 0..total-1, in order": the room's bodies
     * with repeats dropped (a repeat is at-least-once's) against the room's pushes in send order; empty when whole.
     */
    List<String> gaps(RecordingCometService comet, int total) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String room = "live://" + r;
            List<String> want = new ArrayList<>();
            for (int i = r; i < total; i += rooms) {
                want.add(room + "#" + i);
            }
            List<String> got = new ArrayList<>(new LinkedHashSet<>(comet.roomBodies(room)));
            if (!got.equals(want)) {
                out.add(room + ": " + got.size() + " distinct of " + want.size() + ", first difference at "
                        + firstDifference(got, want));
            }
        }
        return out;
    }

    private static int firstDifference(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }

    @Override
    public void close() {
        producer.close();
    }
}
