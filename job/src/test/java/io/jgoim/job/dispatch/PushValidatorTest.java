package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.push.PushMsg;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A record's stream position (fields 9-11) is accepted only as logic writes it: whole, on a member push. */
class PushValidatorTest {
    private static PushMsg.Builder push() {
        return PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("c1").addKeys("k")
                .setMsg(ByteString.copyFromUtf8("x"));
    }

    @Test
    void shouldAcceptAPushWithAWholeMemberPositionOrWithNone() {
        assertThat(PushValidator.check(push().build())).isNull();
        assertThat(PushValidator.check(push().setStream("mid:7").setEpoch(1).setOffset(1).build())).isNull();
    }

    @Test
    void shouldRefuseAPositionOnARoomPush() {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom("live://1")
                .setStream("live://1").setEpoch(1).setOffset(1).build();
        assertThat(PushValidator.check(m)).isEqualTo("stream position on a room push");
    }

    @Test
    void shouldRefuseAPositionOfAStreamThatIsNotAMembers() {
        assertThat(PushValidator.check(push().setStream("live://1").setEpoch(1).setOffset(1).build()))
                .isEqualTo("stream position for 'live://1', not a member stream");
        assertThat(PushValidator.check(push().setEpoch(1).setOffset(1).build()))
                .isEqualTo("stream position for '', not a member stream");
    }

    @Test
    void shouldRefuseAnIncompletePosition() {
        assertThat(PushValidator.check(push().setStream("mid:7").setOffset(3).build()))
                .isEqualTo("incomplete stream position: epoch 0, offset 3");
        assertThat(PushValidator.check(push().setStream("mid:7").setEpoch(-1L).build()))
                .isEqualTo("incomplete stream position: epoch 18446744073709551615, offset 0");
    }

    @Test
    void shouldAcceptAPositionedKeyPushWhoseCometHoldsOnlyOtherDevicesOfTheMember() {
        PushMsg onlyOthers = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("c1")
                .addAdvanceKeys("b").setStream("mid:7").setEpoch(1).setOffset(4).setMsg(ByteString.copyFromUtf8("x"))
                .build();
        assertThat(PushValidator.check(onlyOthers)).isNull();
        assertThat(PushValidator.check(push().addAdvanceKeys("b").build()))
                .isEqualTo("advance_keys without a stream position");
        assertThat(PushValidator.check(onlyOthers.toBuilder().addAdvanceKeys("").build()))
                .isEqualTo("push with an empty advance key");
        assertThat(PushValidator.check(onlyOthers.toBuilder().clearAdvanceKeys().build()))
                .isEqualTo("push without keys");
    }
}
