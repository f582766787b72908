package io.jgoim.comet.session;

import io.jgoim.comet.session.CloseOutcome.Kind;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.NotSslRecordException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The failure table of the session handler, row by row, without a pipeline. */
class CloseOutcomeTest {
    @Test
    void shouldCloseASessionOutcomeWithItsOwnCodesAndSeq() {
        CloseOutcome o = CloseOutcome.of(new SessionCloseException(ErrorCode.NOT_AUTHENTICATED,
                CloseCode.NOT_AUTHENTICATED, 7, "op 2 before auth"));
        assertThat(o.closeCode()).isEqualTo(CloseCode.NOT_AUTHENTICATED);
        assertThat(o.error()).isEqualTo(ErrorCode.NOT_AUTHENTICATED);
        assertThat(o.seq()).isEqualTo(7);
        assertThat(o.message()).isEqualTo("op 2 before auth");
        assertThat(o.kind()).isEqualTo(Kind.SESSION);
        assertThat(o.logAtError()).isFalse();
        assertThat(o.logDetail()).isEqualTo("NOT_AUTHENTICATED: op 2 before auth");
    }

    @Test
    void shouldMapCodecFailuresToProtocolCloseCodes() {
        CloseOutcome tooLong = CloseOutcome.of(new DecoderException(new TooLongFrameException("too long")));
        assertThat(tooLong.closeCode()).isEqualTo(CloseCode.FRAME_TOO_LARGE);
        assertThat(tooLong.error()).isEqualTo(ErrorCode.BODY_TOO_LARGE);
        assertThat(tooLong.kind()).isEqualTo(Kind.FRAME_TOO_LARGE);

        CloseOutcome wsLarge = CloseOutcome.of(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length of 10 has been exceeded."));
        assertThat(wsLarge.closeCode()).isEqualTo(CloseCode.FRAME_TOO_LARGE);
        assertThat(wsLarge.error()).isEqualTo(ErrorCode.BODY_TOO_LARGE);

        CloseOutcome wsBad = CloseOutcome.of(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.PROTOCOL_ERROR, "unmasked client to server frame"));
        assertThat(wsBad.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(wsBad.error()).isEqualTo(ErrorCode.BAD_PACKET);
        assertThat(wsBad.kind()).isEqualTo(Kind.BAD_WEBSOCKET_FRAME);
    }

    @Test
    void shouldTellAnOversizeWebSocketFrameByItsCloseStatusAndAnswerTheRefusedFramesSeq() {
        CloseOutcome large = CloseOutcome.of(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.MESSAGE_TOO_BIG, "frame length 4611686018427387904 over the maximum"));
        assertThat(large.closeCode()).isEqualTo(CloseCode.FRAME_TOO_LARGE);
        assertThat(large.error()).isEqualTo(ErrorCode.BODY_TOO_LARGE);

        CloseOutcome badClose = CloseOutcome.of(new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "Invalid close frame body"));
        assertThat(badClose.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(badClose.error()).isEqualTo(ErrorCode.BAD_PACKET);

        CloseOutcome emptyAuth = CloseOutcome.of(new ProtocolException(ErrorCode.EMPTY_BODY, CloseCode.PROTOCOL_ERROR,
                "op 7 needs a body", (short) 2, 41));
        assertThat(emptyAuth.seq()).isEqualTo(41);
        assertThat(emptyAuth.error()).isEqualTo(ErrorCode.EMPTY_BODY);
        assertThat(emptyAuth.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
    }

    @Test
    void shouldKeepTheCodesAProtocolExceptionCarries() {
        ProtocolException e = new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR, "bad header");
        CloseOutcome o = CloseOutcome.of(e);
        assertThat(o.closeCode()).isEqualTo(e.closeCode());
        assertThat(o.error()).isEqualTo(e.errorCode());
        assertThat(o.kind()).isEqualTo(Kind.BAD_FRAME);
    }

    @Test
    void shouldCloseTlsFailuresWithoutAnErrorReplyAndPeerResetsWithoutAGoodbye() {
        CloseOutcome notTls = CloseOutcome.of(new DecoderException(new NotSslRecordException("plain text")));
        assertThat(notTls.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        assertThat(notTls.error()).isNull();
        assertThat(notTls.kind()).isEqualTo(Kind.TLS);
        assertThat(CloseOutcome.of(new SSLHandshakeException("no cipher")).kind()).isEqualTo(Kind.TLS);

        CloseOutcome reset = CloseOutcome.of(new IOException("Connection reset by peer"));
        assertThat(reset.closeCode()).isNull();
        assertThat(reset.kind()).isEqualTo(Kind.IO);
        assertThat(reset.logAtError()).isFalse();
        assertThat(reset.logDetail()).contains("Connection reset by peer");

        CloseOutcome midRequest = CloseOutcome.of(
                new PrematureChannelClosureException("Channel closed while still aggregating message"));
        assertThat(midRequest.closeCode()).isNull();
        assertThat(midRequest.kind()).isEqualTo(Kind.IO);
        assertThat(midRequest.logAtError()).isFalse();
    }

    @Test
    void shouldTreatAnythingElseAsABugLoggedAtError() {
        IllegalStateException bug = new IllegalStateException("oops");
        CloseOutcome o = CloseOutcome.of(bug);
        assertThat(o.closeCode()).isEqualTo(CloseCode.INTERNAL);
        assertThat(o.error()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(o.message()).isEqualTo("internal error");
        assertThat(o.logAtError()).isTrue();
        assertThat(o.cause()).isSameAs(bug);
    }
}
