package io.jgoim.protocol.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rolling upgrades, node by node, at the wire: every field jgoim 0.3 and 0.4 added between nodes (stream positions on
 * comet requests and on the Kafka record, advance keys, history entry audiences) is optional both ways. An older node's schema is today's with the new fields
 * removed; it reads a new node's message with every old field intact (the new ones are unknown fields it skips), and
 * a new node reads an older node's message as "no position".
 */
class WireCompatibilityTest {
    private static final Proto FRAME = Proto.newBuilder().setVer(1).setOp(9)
            .setBody(ByteString.copyFromUtf8("frames")).build();
    private static final StreamPosition POSITION = StreamPosition.newBuilder().setStream("live://1").setEpoch(7)
            .setOffset(42).build();

    /** {@code type}'s schema as an older node has it: the same file without {@code newFields} in that message. */
    private static Descriptor older(Descriptor type, Set<String> newFields) throws DescriptorValidationException {
        FileDescriptorProto file = type.getFile().toProto();
        FileDescriptorProto.Builder b = file.toBuilder();
        for (int i = 0; i < b.getMessageTypeCount(); i++) {
            DescriptorProto m = b.getMessageType(i);
            if (m.getName().equals(type.getName())) {
                DescriptorProto.Builder mb = m.toBuilder().clearField();
                for (FieldDescriptorProto f : m.getFieldList()) {
                    if (!newFields.contains(f.getName())) {
                        mb.addField(f);
                    }
                }
                b.setMessageType(i, mb);
            }
        }
        FileDescriptor[] deps = type.getFile().getDependencies().toArray(new FileDescriptor[0]);
        return FileDescriptor.buildFrom(b.build(), deps).findMessageTypeByName(type.getName());
    }

    /** An older node parses {@code current}'s bytes: every field it knows keeps its value. */
    private static DynamicMessage readByOlder(Message current, Set<String> newFields) throws Exception {
        Descriptor old = older(current.getDescriptorForType(), newFields);
        DynamicMessage parsed = DynamicMessage.parseFrom(old, current.toByteArray());
        for (var f : old.getFields()) {
            Object mine = current.getField(current.getDescriptorForType().findFieldByName(f.getName()));
            Object theirs = parsed.getField(f);
            if (theirs instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e) {
                assertThat(e.getNumber()).as(f.getName())
                        .isEqualTo(((com.google.protobuf.Descriptors.EnumValueDescriptor) mine).getNumber());
            } else if (theirs instanceof Message m) {
                assertThat(m.toByteString()).as(f.getName()).isEqualTo(((Message) mine).toByteString());
            } else {
                assertThat(theirs).as(f.getName()).isEqualTo(mine);
            }
        }
        return parsed;
    }

    /** Bytes an older node writes: {@code current} without the new fields. */
    private static byte[] writtenByOlder(Message current, Set<String> newFields) throws Exception {
        Descriptor old = older(current.getDescriptorForType(), newFields);
        DynamicMessage.Builder b = DynamicMessage.newBuilder(old);
        for (var f : old.getFields()) {
            var mine = current.getDescriptorForType().findFieldByName(f.getName());
            if (mine.isRepeated() || current.hasField(mine)) {
                Object v = current.getField(mine);
                if (v instanceof com.google.protobuf.Descriptors.EnumValueDescriptor e) {
                    v = f.getEnumType().findValueByNumber(e.getNumber());
                } else if (v instanceof Message m) {
                    v = DynamicMessage.parseFrom(f.getMessageType(), m.toByteString());
                }
                b.setField(f, v);
            }
        }
        return b.build().toByteArray();
    }

    @Test
    void shouldLetAnOlderCometReadANewJobsRoomBatch() throws Exception {
        BroadcastRoomReq req = BroadcastRoomReq.newBuilder().setRoomId("live://1").setProto(FRAME).setRequestId(9)
                .setPosition(POSITION).build();
        DynamicMessage old = readByOlder(req, Set.of("position"));
        assertThat(old.getUnknownFields().hasField(4)).as("the position travels as an unknown field").isTrue();
    }

    @Test
    void shouldLetANewCometReadAnOlderJobsRequestsAsUnpositioned() throws Exception {
        BroadcastRoomReq room = BroadcastRoomReq.newBuilder().setRoomId("live://1").setProto(FRAME).setRequestId(9)
                .setPosition(POSITION).build();
        BroadcastRoomReq fromOld = BroadcastRoomReq.parseFrom(writtenByOlder(room, Set.of("position")));
        assertThat(fromOld.hasPosition()).isFalse();
        assertThat(fromOld.getRoomId()).isEqualTo("live://1");
        assertThat(fromOld.getRequestId()).isEqualTo(9);

        PushMsgReq push = PushMsgReq.newBuilder().addKeys("k").setProto(FRAME).setProtoOp(1000).setRequestId(3)
                .setPosition(POSITION).build();
        readByOlder(push, Set.of("position"));
        PushMsgReq pushFromOld = PushMsgReq.parseFrom(writtenByOlder(push, Set.of("position")));
        assertThat(pushFromOld.hasPosition()).isFalse();
        assertThat(pushFromOld.getKeysList()).containsExactly("k");
    }

    @Test
    void shouldKeepTheKafkaRecordReadableByOlderAndNewerJobs() throws Exception {
        PushMsg member = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("comet-1")
                .addAllKeys(List.of("a", "b")).setMsg(ByteString.copyFromUtf8("hi")).setCreatedAtMs(5)
                .setStream("mid:1").setEpoch(7).setOffset(3).build();
        Set<String> added = Set.of("stream", "epoch", "offset");
        readByOlder(member, added);
        PushMsg fromOldLogic = PushMsg.parseFrom(writtenByOlder(member, added));
        assertThat(fromOldLogic.getStream()).isEmpty();
        assertThat(fromOldLogic.getOffset()).isZero();
        assertThat(fromOldLogic.getKeysList()).containsExactly("a", "b");
    }

    /** jgoim 0.4: advance_keys, entry audiences and the broadcast position are optional both ways too. */
    @Test
    void shouldKeepThe04FieldsOptionalBetweenOlderAndNewerNodes() throws Exception {
        StreamPosition member = POSITION.toBuilder().setStream("mid:1").build();
        PushMsgReq keyPush = PushMsgReq.newBuilder().addKeys("a").addAdvanceKeys("b").setProto(FRAME)
                .setProtoOp(1000).setRequestId(3).setPosition(member).build();
        DynamicMessage byOldComet = readByOlder(keyPush, Set.of("advance_keys"));
        assertThat(byOldComet.getUnknownFields().hasField(6)).isTrue();
        assertThat(PushMsgReq.parseFrom(writtenByOlder(keyPush, Set.of("advance_keys"))).getAdvanceKeysList())
                .isEmpty();

        PushMsg record = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("comet-1")
                .addKeys("a").addAdvanceKeys("b").setMsg(ByteString.copyFromUtf8("hi")).setStream("mid:1")
                .setEpoch(7).setOffset(3).build();
        readByOlder(record, Set.of("advance_keys"));
        assertThat(PushMsg.parseFrom(writtenByOlder(record, Set.of("advance_keys"))).getKeysList())
                .containsExactly("a");

        io.jgoim.protocol.rpc.comet.BroadcastReq broadcast = io.jgoim.protocol.rpc.comet.BroadcastReq.newBuilder()
                .setProtoOp(1000).setProto(FRAME).setRequestId(4)
                .setPosition(POSITION.toBuilder().setStream("broadcast")).build();
        readByOlder(broadcast, Set.of("position"));
        assertThat(io.jgoim.protocol.rpc.comet.BroadcastReq.parseFrom(writtenByOlder(broadcast, Set.of("position")))
                .hasPosition()).isFalse();

        io.jgoim.protocol.rpc.logic.HistoryReply history = io.jgoim.protocol.rpc.logic.HistoryReply.newBuilder()
                .setEpoch(7).setTop(3).setFirst(2).addEntries(ByteString.copyFromUtf8("e2"))
                .addEntries(ByteString.copyFromUtf8("e3")).setComplete(true)
                .addAudiences(io.jgoim.protocol.rpc.logic.EntryAudience.newBuilder().setOffset(3).addKeys("a"))
                .build();
        readByOlder(history, Set.of("audiences"));
        assertThat(io.jgoim.protocol.rpc.logic.HistoryReply.parseFrom(writtenByOlder(history, Set.of("audiences")))
                .getAudiencesList()).isEmpty();
    }
}
