package io.jgoim.protocol.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class RpcTest {

    @Test
    void aFailedCallsMessageIsOneLineWithoutTheCausesStack() {
        ConnectException cause = new ConnectException("Connection refused: /127.0.0.1:46571");
        JgoimException e = Rpc.toJgoim(Status.UNAVAILABLE.withDescription("io exception").withCause(cause)
                .asRuntimeException());

        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage())
                .isEqualTo("UNAVAILABLE: io exception (java.net.ConnectException: Connection refused: /127.0.0.1:46571)")
                .doesNotContain("\n");
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void aStatusWithoutDescriptionOrCauseIsItsCode() {
        JgoimException e = Rpc.toJgoim(Status.DEADLINE_EXCEEDED.asRuntimeException());

        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("DEADLINE_EXCEEDED");
    }
}
