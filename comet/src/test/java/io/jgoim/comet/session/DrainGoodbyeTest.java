package io.jgoim.comet.session;

import io.jgoim.comet.TestConfigs;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.transport.PipelineNames;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.ProtoFrameCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The goodbye of a draining comet on the TCP session pipeline: an extended client's SHUTDOWN goodbye carries the
 * drain's node hints (exact bytes), every other goodbye and every goim client's close stay as they were.
 */
@ExtendWith(LeakCheck.class)
class DrainGoodbyeTest {
    private static final String REASON_HEX = ByteBufUtil.hexDump(CloseCode.SHUTDOWN.reason()
            .getBytes(StandardCharsets.UTF_8));
    /** {"nodes":["10.0.0.2:3101"]}. */
    private static final String HINTS_HEX = "7b226e6f646573223a5b2231302e302e302e323a33313031225d7d";
    private static final NodeHints HINTS = NodeHints.of(List.of(List.of("10.0.0.2:3101")),
            List.of(List.of("10.0.0.2:3102")), List.of());

    private final LogicTwin logic = LogicTwin.create().heartbeatSeconds(0);
    private final CometMetrics metrics = CometMetrics.noop();
    private final CometConfig config = TestConfigs.ephemeral();
    private boolean draining;
    private SessionIndex index;
    private EmbeddedChannel ch;

    private void channel() {
        ch = new EmbeddedChannel();
        SessionLoops loops = new SessionLoops(ch.eventLoop());
        index = new SessionIndex(4, 16, loops);
        SessionServices services = new SessionServices(config, logic, index, metrics, () -> draining, () -> HINTS);
        SessionHandler session = new SessionHandler(services, SessionTransport.TCP);
        ch.pipeline().addLast(PipelineNames.FRAME, new ProtoFrameCodec(config.protocol().maxBodyBytes(), true));
        ch.pipeline().addLast(PipelineNames.HANDSHAKE, new HandshakeHandler(services, session));
        ch.pipeline().addLast(PipelineNames.SESSION, session);
    }

    @AfterEach
    void tearDown() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        logic.close();
    }

    private void auth(int ver, String key) {
        byte[] b = ("{\"mid\":1,\"key\":\"" + key + "\",\"room_id\":\"live://1\"}").getBytes(StandardCharsets.UTF_8);
        ByteBuf out = Unpooled.buffer(16 + b.length);
        out.writeInt(16 + b.length).writeShort(16).writeShort(ver).writeInt(Op.AUTH).writeInt(1).writeBytes(b);
        ch.writeInbound(out);
    }

    private String nextHex() {
        ByteBuf out = ch.readOutbound();
        assertThat(out).as("an outbound frame").isNotNull();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    private void authenticated(int ver, String key) {
        auth(ver, key);
        assertThat(nextHex().substring(16, 24)).as("op 8").isEqualTo("00000008");
        assertThat(index.session(key)).isNotNull();
    }

    @Test
    void shouldSendTheExtendedClientTheHintsInItsShutdownGoodbye() {
        channel();
        authenticated(2, "k1");
        index.session("k1").close(CloseCode.SHUTDOWN);
        ch.runPendingTasks();
        assertThat(nextHex()).isEqualTo("0000006b" + "0010" + "0002" + "00000012" + "00000000" + "00000fa1"
                + REASON_HEX + "00" + HINTS_HEX);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldSendAGoimClientNothingButTheClose() {
        channel();
        authenticated(1, "k1");
        index.session("k1").close(CloseCode.SHUTDOWN);
        ch.runPendingTasks();
        assertThat(io.jgoim.comet.TestSessions.outboundBytes(ch)).as("goim ver 1: no byte before the close, as before hints (the close flushes what was written before it: nothing)").isZero();
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldKeepOtherGoodbyesPlain() {
        channel();
        authenticated(2, "k1");
        index.session("k1").close(CloseCode.KICKED);
        ch.runPendingTasks();
        String reason = ByteBufUtil.hexDump(CloseCode.KICKED.reason().getBytes(StandardCharsets.UTF_8));
        assertThat(nextHex()).endsWith(Integer.toHexString(CloseCode.KICKED.code()) + reason);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldHintTheClientRefusedWhileTheCometDrains() {
        channel();
        draining = true;
        auth(2, "k2");
        assertThat(nextHex().substring(16, 24)).as("error reply first").isEqualTo("00000013");
        assertThat(nextHex()).endsWith("00000fa1" + REASON_HEX + "00" + HINTS_HEX);
        assertThat(index.session("k2")).isNull();
    }
}
