package io.jgoim.job.it;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Job's own dispatch cost (not part of the suite): messages through the in-process bus, lanes, batching and
 * encoding to comets that accept at once, so only job's work is timed. Run with
 * {@code mvn -pl job verify -Dit.test=JobThroughputMeasurementIT -Djgoim.measure=true}.
 */
@EnabledIfSystemProperty(named = "jgoim.measure", matches = "true")
class JobThroughputMeasurementIT {
    /** A comet that accepts everything at once and counts the frames' bytes. */
    static final class NullComet implements CometService {
        final LongAdder bytes = new LongAdder();

        @Override
        public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq r) {
            bytes.add(r.getProto().getBody().size());
            return CompletableFuture.completedFuture(PushMsgReply.getDefaultInstance());
        }

        @Override
        public CompletableFuture<BroadcastReply> broadcast(BroadcastReq r) {
            return CompletableFuture.completedFuture(BroadcastReply.getDefaultInstance());
        }

        @Override
        public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq r) {
            bytes.add(r.getProto().getBody().size());
            return CompletableFuture.completedFuture(BroadcastRoomReply.getDefaultInstance());
        }

        @Override
        public CompletableFuture<RoomsReply> rooms(RoomsReq r) {
            return CompletableFuture.completedFuture(RoomsReply.getDefaultInstance());
        }
    }

    @Test
    void measureDispatchThroughput() {
        for (String kind : new String[] {"room", "room", "push"}) {
            NullComet a = new NullComet();
            NullComet b = new NullComet();
            JobConfig cfg = TestConfigs.config("JGOIM_BUS_CAPACITY", "100000");
            DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("a", a).add("b", b);
            try (JobServer job = new JobServer(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                job.start();
                int n = 500_000;
                ByteString body = ByteString.copyFromUtf8("{\"n\":12345,\"text\":\"a typical short push body\"}");
                PushMsg[] msgs = new PushMsg[1000];
                for (int i = 0; i < msgs.length; i++) {
                    PushMsg.Builder m = PushMsg.newBuilder().setOperation(1000).setMsg(body);
                    msgs[i] = kind.equals("room") ? m.setType(PushMsg.Type.ROOM).setRoom("live://" + i).build()
                            : m.setType(PushMsg.Type.PUSH).setServer(i % 2 == 0 ? "a" : "b").addKeys("k" + i).build();
                }
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    PushMsg m = msgs[i % msgs.length];
                    String key = kind.equals("room") ? m.getRoom() : m.getKeys(0);
                    while (job.pushBus().publish(key, m).isCompletedExceptionally()) {
                        Thread.onSpinWait();
                    }
                }
                job.pushBus().drain(60, TimeUnit.SECONDS);
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf("job dispatch, %s pushes over 1000 %s to 2 direct comets: %,.0f msgs/s%n",
                        kind, kind.equals("room") ? "rooms" : "keys", n / secs);
            }
        }
    }
}
