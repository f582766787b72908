package io.jgoim.job;

import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.CometService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The in-process bus held to the push-path contract, plus its own bounds and refusals. */
class InProcessPushBusTest extends PushPathContract {
    @Override
    protected JobServer startJob(DirectCometDirectory comets, String... overrides) {
        JobServer s = new JobServer(TestConfigs.config(overrides), comets, sessions, registry);
        s.start();
        return s;
    }

    @Override
    protected void publish(String recordKey, PushMsg msg) {
        job.pushBus().publish(recordKey, msg).join();
    }

    private static ErrorCode codeOf(CompletableFuture<Void> f) {
        try {
            f.join();
            return ErrorCode.OK;
        } catch (CompletionException e) {
            return ((JgoimException) e.getCause()).code();
        }
    }

    @Test
    void shouldRefuseWithRateLimitedWhenFullInsteadOfBuffering() {
        c1.mode(RecordingCometService.Mode.TIMEOUT);
        start("JGOIM_BUS_CAPACITY", "3", "JGOIM_COMET_CALL_DEADLINE", "10s", "JGOIM_SHUTDOWN_DRAIN_TIMEOUT", "200ms");
        for (int i = 0; i < 3; i++) {
            assertThat(codeOf(job.pushBus().publish("k", push("c1", "k", "m" + i)))).isEqualTo(ErrorCode.OK);
        }
        assertThat(codeOf(job.pushBus().publish("k", push("c1", "k", "over")))).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(counter("jgoim.job.bus.rejected", "reason", "full")).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseWithUnavailableOnceClosed() {
        start();
        job.close();
        assertThat(codeOf(job.pushBus().publish("k", push("c1", "k", "late")))).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    static Stream<PushMsg> invalidMessages() {
        return Stream.of(
                PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).addKeys("k").build(),
                PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("c1").build(),
                PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("c1").addKeys("").build(),
                PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).build(),
                PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000).setSpeed(-1).build(),
                PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(9).build(),
                PushMsg.newBuilder().setTypeValue(7).setOperation(1000).build(),
                // A stream position is logic's sequencing of a member push: whole, on a push, for a member stream.
                PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom("live://1")
                        .setStream("live://1").setEpoch(1).setOffset(1).build(),
                PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1000).setServer("c1").addKeys("k")
                        .setStream("mid:1").setOffset(1).build());
    }

    @ParameterizedTest
    @MethodSource("invalidMessages")
    void shouldRefuseAnInvalidMessageWithBadParameter(PushMsg bad) {
        start();
        assertThat(codeOf(job.pushBus().publish("k", bad))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(c1.attempts() + c2.attempts()).isZero();
    }

    @Test
    void shouldRetryACometThatIsNotStartedYetUntilItIs() {
        AtomicReference<CometService> late = new AtomicReference<>();
        JobConfig cfg = TestConfigs.config("JGOIM_RETRY_BACKOFF", "20ms", "JGOIM_RETRY_MAX_ATTEMPTS", "10");
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("late", late::get);
        job = new JobServer(cfg, dir, sessions, registry);
        job.start();
        publish("k", push("late", "k", "hello"));
        await().atMost(Duration.ofSeconds(10)).until(() -> counter("jgoim.job.retries", "comet", "late") >= 1.0);
        late.set(c1);
        await().atMost(Duration.ofSeconds(10)).until(() -> c1.keyBodies("k").equals(List.of("hello")));
        assertThat(counter("jgoim.job.push.failures")).isZero();
    }

    @Test
    void shouldDrainAcceptedMessagesOnClose() {
        c1.randomDelay(2000);
        start("JGOIM_BATCH_WINDOW", "1s", "JGOIM_BATCH_SIZE", "1000", "JGOIM_COMET_FILTER_ROOMS", "false");
        for (int i = 0; i < 50; i++) {
            publish("live://d", room("live://d", "d" + i));
        }
        job.close();
        assertThat(c1.roomBodies("live://d")).hasSize(50);
        assertThat(c2.roomBodies("live://d")).hasSize(50);
        assertThatThrownBy(() -> job.pushBus().publish("k", push("c1", "k", "x")).join())
                .hasCauseInstanceOf(JgoimException.class);
    }
}
