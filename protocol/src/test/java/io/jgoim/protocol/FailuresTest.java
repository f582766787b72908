package io.jgoim.protocol;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class FailuresTest {
    @Test
    void shouldLookThroughNestedFutureWrappers() {
        JgoimException inner = new JgoimException(ErrorCode.TIMEOUT, "slow");
        Throwable wrapped = new CompletionException(new ExecutionException(new CompletionException(inner)));
        assertSame(inner, Failures.unwrap(wrapped));
        assertEquals(ErrorCode.TIMEOUT, Failures.code(wrapped, ErrorCode.INTERNAL));
    }

    @Test
    void shouldKeepAWrapperWithoutCauseAndUseTheFallbackForForeignFailures() {
        CompletionException bare = new CompletionException("no cause", null);
        assertSame(bare, Failures.unwrap(bare));
        assertEquals(ErrorCode.UNAVAILABLE, Failures.code(new IllegalStateException("x"), ErrorCode.UNAVAILABLE));
    }
}
