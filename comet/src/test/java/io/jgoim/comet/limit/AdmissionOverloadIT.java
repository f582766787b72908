package io.jgoim.comet.limit;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission overload: 10,000 connect attempts paced over 5 s from 200 loopback aliases against a comet that accepts
 * 200 a second with a burst of 200. Accepted connects stay within rate x elapsed + burst, every refused socket reads
 * CONNECT_RATE_LIMITED (4016) and is closed, and sessions opened before the storm get every push sent during it.
 * The refusal latency (connect to the refusal read) is printed, not asserted: it depends on the machine.
 */
@ExtendWith(LeakCheck.class)
@Timeout(180)
class AdmissionOverloadIT {
    private static final int EXT = 2;
    private static final int RATE = 200;
    private static final int BURST = 200;
    private static final int ATTEMPTS = 10_000;
    private static final long SPREAD_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int EXISTING = 20;

    private LogicTwin logic;
    private CometServer comet;

    @BeforeEach
    void start() {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of(
                "JGOIM_LIMITS_ACCEPT_RATE", Integer.toString(RATE),
                "JGOIM_LIMITS_ACCEPT_BURST", Integer.toString(BURST))), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterEach
    void stop() {
        comet.close();
        logic.close();
    }

    @Test
    void shouldAdmitWithinRateAndBurstAndRefuseTheRestWithTheRetryableCode() throws Exception {
        List<RawConn> existing = new ArrayList<>();
        for (int i = 0; i < EXISTING; i++) {
            RawConn c = RawConn.open("127.0.0.1", comet.tcpAddress());
            c.auth(EXT, ConnectLimitsIT.token(i + 1, "existing" + i));
            assertThat(TestClient.op(c.next())).isEqualTo(Op.AUTH_REPLY);
            existing.add(c);
        }
        Thread.sleep(1200); // the bucket refills to its burst

        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        long[] refusalMicros = new long[ATTEMPTS];
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger pushesSent = new AtomicInteger();
        Thread pusher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                push(pushesSent.incrementAndGet());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long t0 = System.nanoTime();
        pusher.start();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            work.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < ATTEMPTS; ) {
                    long due = t0 + SPREAD_NANOS * i / ATTEMPTS;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long start = System.nanoTime();
                    final int attempt = i;
                    try (RawConn c = RawConn.open("127.0.0." + (20 + i % 200), comet.tcpAddress())) {
                        c.auth(EXT, ConnectLimitsIT.token(100_000 + i, "storm" + i));
                        byte[] f = c.next();
                        if (f != null && f != RawConn.EOF && TestClient.op(f) == Op.AUTH_REPLY) {
                            accepted.incrementAndGet();
                        } else if (RawConn.disconnectCode(f) == CloseCode.CONNECT_RATE_LIMITED.code()) {
                            refusalMicros[attempt] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                            if (c.next() == RawConn.EOF) {
                                refused.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        } else {
                            other.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(150, TimeUnit.SECONDS);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pusher.interrupt();
        pusher.join();
        pool.shutdown();

        System.out.printf("admission overload: %d attempts in %.2f s, %d accepted, %d refused with 4016; refusal "
                        + "latency (connect to the code read) p50 %d us, p99 %d us, max %d us%n", ATTEMPTS, elapsed,
                accepted.get(), refused.get(), percentile(refusalMicros, 50), percentile(refusalMicros, 99),
                percentile(refusalMicros, 100));
        assertThat(other.get()).as("every attempt was admitted or refused with 4016 then closed").isZero();
        assertThat(accepted.get() + refused.get()).isEqualTo(ATTEMPTS);
        assertThat(accepted.get()).as("accepted <= burst + rate x elapsed")
                .isLessThanOrEqualTo(BURST + (int) Math.ceil(RATE * elapsed) + 1);
        assertThat(accepted.get()).as("the bucket admits at its rate").isGreaterThanOrEqualTo(BURST);
        assertThat(comet.limits().meters().refusals(Refusal.ACCEPT_RATE)).isEqualTo(refused.get());

        // The sessions opened before the storm got every push sent during it.
        int sent = pushesSent.get();
        for (RawConn c : existing) {
            int got = 0;
            while (got < sent) {
                byte[] f = c.next();
                assertThat(f).as("push %d of %d", got + 1, sent).isNotNull().isNotSameAs(RawConn.EOF);
                if (TestClient.op(f) == 1000) {
                    got++;
                }
            }
            c.close();
        }
    }

    private static long percentile(long[] values, double p) {
        long[] v = java.util.Arrays.stream(values).filter(x -> x > 0).sorted().toArray();
        return v.length == 0 ? 0 : v[Math.min(v.length - 1, (int) Math.ceil(p / 100 * v.length) - 1 < 0 ? 0
                : (int) Math.ceil(p / 100 * v.length) - 1)];
    }

    private void push(int n) {
        PushMsgReq.Builder req = PushMsgReq.newBuilder().setProtoOp(1000)
                .setProto(Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(
                        TestClient.frame(1, 1000, 0, ("push " + n).getBytes(StandardCharsets.UTF_8)))));
        for (int i = 0; i < EXISTING; i++) {
            req.addKeys("existing" + i);
        }
        try {
            assertThat(comet.pushService().pushMsg(req.build()).get(5, TimeUnit.SECONDS).getDelivered())
                    .isEqualTo(EXISTING);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
