package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.Proto;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Job's encodings are byte for byte what goim v2 sends (vectors captured from a running goim, protocol-vectors/). */
class PushFrameEncoderTest {
    /** goim v2: POST /goim/push/mids?operation=1000 body {"m":"one"}, as the client received it over TCP. */
    private static final String PUSH_VECTOR = "0000001b00100001000003e8000000007b226d223a226f6e65227d";
    /** goim v2: three room pushes {"n":0..2} op 1000 batched, as the client received them over TCP. */
    private static final String ROOM_BATCH_VECTOR = "0000001700100001000003e8000000007b226e223a307d"
            + "0000001700100001000003e8000000007b226e223a317d0000001700100001000003e8000000007b226e223a327d";

    private static PushMsg msg(String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setRoom("live://7777").setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build();
    }

    @Test
    void shouldEncodeOneMessageAsGoimDoesInsideARawFrame() {
        Proto p = PushFrameEncoder.single(msg("{\"m\":\"one\"}"));
        assertThat(p.getVer()).isEqualTo(1);
        assertThat(p.getOp()).isEqualTo(9);
        assertThat(p.getSeq()).isZero();
        assertThat(HexFormat.of().formatHex(p.getBody().toByteArray())).isEqualTo(PUSH_VECTOR);
        assertThat(PushFrameEncoder.frameLength(msg("{\"m\":\"one\"}"))).isEqualTo(PUSH_VECTOR.length() / 2);
    }

    @Test
    void shouldEncodeARoomBatchAsTheInnerFramesBackToBack() {
        List<PushTask> tasks = List.of(
                PushTask.of(null, msg("{\"n\":0}"), (t, ok) -> { }),
                PushTask.of(null, msg("{\"n\":1}"), (t, ok) -> { }),
                PushTask.of(null, msg("{\"n\":2}"), (t, ok) -> { }));
        int total = tasks.stream().mapToInt(t -> PushFrameEncoder.frameLength(t.message())).sum();
        Proto p = PushFrameEncoder.batch(tasks, total);
        assertThat(p.getOp()).isEqualTo(9);
        assertThat(HexFormat.of().formatHex(p.getBody().toByteArray())).isEqualTo(ROOM_BATCH_VECTOR);
    }

    @Test
    void shouldEncodeAnEmptyBodyAsABareHeader() {
        Proto p = PushFrameEncoder.single(msg(""));
        assertThat(HexFormat.of().formatHex(p.getBody().toByteArray()))
                .isEqualTo("00000010001000010000" + "03e8" + "00000000");
    }

    @Test
    void shouldEncodeAHistoryBatchAsEntriesWhoseJoinIsTheSameBatch() {
        List<PushTask> tasks = List.of(
                PushTask.of(null, msg("{\"n\":0}"), (t, ok) -> { }),
                PushTask.of(null, msg("{\"n\":1}"), (t, ok) -> { }),
                PushTask.of(null, msg("{\"n\":2}"), (t, ok) -> { }));
        List<byte[]> entries = PushFrameEncoder.frames(tasks);
        assertThat(entries).hasSize(3);
        // Each entry is one whole goim frame: exactly what a TCP client gets for that message.
        assertThat(HexFormat.of().formatHex(entries.get(1))).isEqualTo(ROOM_BATCH_VECTOR.substring(46, 92));
        Proto all = PushFrameEncoder.join(entries, 0, 3);
        assertThat(all.getOp()).isEqualTo(9);
        assertThat(HexFormat.of().formatHex(all.getBody().toByteArray())).isEqualTo(ROOM_BATCH_VECTOR);
        assertThat(HexFormat.of().formatHex(PushFrameEncoder.join(entries, 1, 3).getBody().toByteArray()))
                .isEqualTo(ROOM_BATCH_VECTOR.substring(46));
        assertThat(PushFrameEncoder.join(entries, 2, 3).getBody().toByteArray()).isEqualTo(entries.get(2));
    }
}
