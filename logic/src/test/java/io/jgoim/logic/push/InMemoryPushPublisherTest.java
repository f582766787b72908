package io.jgoim.logic.push;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class InMemoryPushPublisherTest extends PushPublisherContract {
    private final InMemoryPushPublisher bus = new InMemoryPushPublisher();

    @Override
    PushPublisher publisher() {
        return bus;
    }

    @Override
    List<Map.Entry<String, PushMsg>> published(int atLeast) {
        return bus.records().stream().map(r -> Map.entry(r.key(), r.message())).toList();
    }

    @Test
    void shouldRefuseAndRecordNothingWhileDown() {
        bus.setDown(true);
        CompletionException e = catchThrowableOfType(CompletionException.class,
                () -> bus.publish("k", room("k", 1)).join());
        assertThat(((JgoimException) e.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(bus.records()).isEmpty();
    }
}
