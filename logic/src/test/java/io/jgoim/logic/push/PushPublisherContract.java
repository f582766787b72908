package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** What every push bus must do for logic: accept, then deliver in publish order per record key. */
@Timeout(60)
abstract class PushPublisherContract {
    /** A fresh publisher on an empty bus. */
    abstract PushPublisher publisher();

    /** Everything the bus holds now, as (record key, message), in per-key order. */
    abstract List<Map.Entry<String, PushMsg>> published(int atLeast);

    static PushMsg room(String room, int seq) {
        return PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(Integer.toString(seq))).build();
    }

    @Test
    void shouldDeliverEveryAcceptedMessageInOrderPerKey() {
        PushPublisher p = publisher();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String key = "live://" + (i % 3);
            acks.add(p.publish(key, room(key, i)));
        }
        CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).join();
        Map<String, List<Integer>> seqByKey = new HashMap<>();
        for (Map.Entry<String, PushMsg> e : published(60)) {
            assertThat(e.getValue().getRoom()).isEqualTo(e.getKey());
            seqByKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                    .add(Integer.parseInt(e.getValue().getMsg().toStringUtf8()));
        }
        assertThat(seqByKey).hasSize(3);
        seqByKey.forEach((key, seqs) -> {
            assertThat(seqs).hasSize(20);
            assertThat(seqs).isSorted();
        });
    }
}
