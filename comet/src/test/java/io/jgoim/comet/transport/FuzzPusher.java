package io.jgoim.comet.transport;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Pushes as job does while a batch of {@link ProtocolFuzzIT} runs, so the fuzzed sessions get pushes while they
 * authenticate, change rooms, misbehave and close: room batches to the rooms the fuzzer's tokens and room changes
 * name, plain or appended to the logic twin's history first and positioned, and key pushes to the batch's keys,
 * plain or positioned in member 7's stream. Every push must be answered; what a session receives is checked by
 * {@link ServerBytes} (nothing after a goodbye, no op 20 to a goim client). Its own thread, from start to
 * {@link #stop()}.
 */
final class FuzzPusher {
    private static final String[] ROOMS = {"live://fuzz-0", "live://fuzz-1", "live://fuzz-2", "live://fuzz-3"};
    private static final String MEMBER_STREAM = "mid:7";

    private final CometServer comet;
    private final LogicTwin logic;
    private final List<String> keys;
    private final Random r;
    private final List<String> errors = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private int pushes;

    FuzzPusher(CometServer comet, LogicTwin logic, List<String> keys, long seed) {
        this.comet = comet;
        this.logic = logic;
        this.keys = keys;
        this.r = new Random(seed);
        this.thread = new Thread(this::run, "fuzz-pusher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops pushing; returns what went wrong (a push refused or not answered). */
    List<String> stop() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    private void run() {
        while (!stopped) {
            try {
                push();
                Thread.sleep(2 + r.nextInt(6));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                synchronized (errors) {
                    errors.add("push " + pushes + " failed: " + e);
                }
            }
        }
    }

    private void push() throws Exception {
        pushes++;
        int n = 1 + r.nextInt(3);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(TestClient.frame(PacketLayout.VERSION, 1000, 0,
                    ("{\"push\":" + pushes + "}").getBytes(StandardCharsets.UTF_8)));
        }
        switch (r.nextInt(4)) {
            case 0:
                comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(pick(ROOMS))
                        .setProto(raw(frames)).build()).get(5, TimeUnit.SECONDS);
                break;
            case 1:
                String room = pick(ROOMS);
                HistoryStore.Appended a = logic.historyStore().append(room, frames, null,
                        LogicTwin.HISTORY.retention(room)).join();
                comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                        .setProto(raw(frames)).setPosition(position(room, a)).build()).get(5, TimeUnit.SECONDS);
                break;
            case 2:
                comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(pick(keys)).setProtoOp(1000)
                        .setProto(raw(frames.subList(0, 1))).build()).get(5, TimeUnit.SECONDS);
                break;
            default:
                HistoryStore.Appended m = logic.historyStore().append(MEMBER_STREAM, frames.subList(0, 1), null,
                        LogicTwin.HISTORY.retention(MEMBER_STREAM)).join();
                comet.pushService().pushMsg(PushMsgReq.newBuilder().addKeys(pick(keys)).setProtoOp(1000)
                        .setProto(raw(frames.subList(0, 1))).setPosition(position(MEMBER_STREAM, m)).build())
                        .get(5, TimeUnit.SECONDS);
        }
    }

    private String pick(String[] values) {
        return values[r.nextInt(values.length)];
    }

    private String pick(List<String> values) {
        return values.get(r.nextInt(values.size()));
    }

    private static StreamPosition position(String stream, HistoryStore.Appended a) {
        return StreamPosition.newBuilder().setStream(stream).setEpoch(a.epoch()).setOffset(a.offsets()[0]).build();
    }

    private static Proto raw(List<byte[]> frames) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        frames.forEach(b::writeBytes);
        return Proto.newBuilder().setVer(PacketLayout.VERSION).setOp(Op.RAW)
                .setBody(ByteString.copyFrom(b.toByteArray())).build();
    }
}
