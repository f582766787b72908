package io.jgoim.job.event;

import io.jgoim.job.JobConfig;
import io.jgoim.job.dispatch.PushTask;
import io.jgoim.protocol.push.PushMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The comment and play-history schemas of docs/events.md: conversions and every refusal with its exact reason. */
class DomainEventsTest {
    private final DomainEvents events = new DomainEvents(JobConfig.defaults().events());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldTurnACommentIntoARoomPushWithACanonicalBody() {
        PushTask t = events.comment(utf8("{\"room_id\":\"video://av1\",\"comment_id\":\"c9\",\"mid\":5,"
                + "\"content\":\"hi\",\"extra\":\"dropped\"}"), 1234, (x, ok) -> { });
        PushMsg m = t.message();
        assertThat(m.getType()).isEqualTo(PushMsg.Type.ROOM);
        assertThat(m.getRoom()).isEqualTo("video://av1");
        assertThat(m.getOperation()).isEqualTo(1001);
        assertThat(m.getCreatedAtMs()).isEqualTo(1234);
        assertThat(m.getPushId()).isEqualTo("comment:c9");
        assertThat(m.getMsg().toStringUtf8()).isEqualTo(
                "{\"room_id\":\"video://av1\",\"comment_id\":\"c9\",\"mid\":5,\"content\":\"hi\","
                        + "\"created_at_ms\":1234}");
        assertThat(t.laneKey()).isEqualTo("video://av1");
    }

    @Test
    void shouldTurnPlayHistoryIntoAPushToTheMembersDevices() {
        PushTask t = events.playHistory(utf8("{\"mid\":7,\"key\":\"phone\",\"video_id\":\"av1\","
                + "\"progress_ms\":10,\"updated_at_ms\":99}"), 1234, (x, ok) -> { });
        assertThat(t.message().getOperation()).isEqualTo(1002);
        assertThat(t.message().getMsg().toStringUtf8())
                .isEqualTo("{\"mid\":7,\"video_id\":\"av1\",\"progress_ms\":10,\"updated_at_ms\":99}");
        assertThat(t.laneKey()).isEqualTo("mid:7");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty event",
        "[1,2]|event must be a JSON object",
        "{\"comment_id\":\"c\",\"mid\":1,\"content\":\"x\"}|missing field room_id",
        "{\"room_id\":\"nocolon\",\"comment_id\":\"c\",\"mid\":1,\"content\":\"x\"}"
            + "|room_id must be 'type://id', was 'nocolon'",
        "{\"room_id\":\"live://1\",\"mid\":1,\"content\":\"x\"}|missing field comment_id",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"content\":\"x\"}|missing field mid",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":0,\"content\":\"x\"}|mid must be >= 1, was 0",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":\"1\",\"content\":\"x\"}|mid must be an integer",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":1}|missing field content",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":1,\"content\":\"\"}|content must not be empty",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":1,\"content\":7}|content must be a string",
        "{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":1,\"content\":\"x\",\"created_at_ms\":-5}"
            + "|created_at_ms must be >= 0, was -5",
    })
    void shouldRefuseABadCommentNamingTheField(String json, String reason) {
        assertThatThrownBy(() -> events.comment(utf8(json), 0, (x, ok) -> { }))
                .isInstanceOf(EventException.class).hasMessage(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"key\":\"k\",\"video_id\":\"v\",\"progress_ms\":1}|missing field mid",
        "{\"mid\":1,\"video_id\":\"v\",\"progress_ms\":1}|missing field key",
        "{\"mid\":1,\"key\":\"k\",\"progress_ms\":1}|missing field video_id",
        "{\"mid\":1,\"key\":\"k\",\"video_id\":\"v\"}|missing field progress_ms",
        "{\"mid\":1,\"key\":\"k\",\"video_id\":\"v\",\"progress_ms\":-1}|progress_ms must be >= 0, was -1",
        "{\"mid\":1,\"key\":\"k\",\"video_id\":\"v\",\"progress_ms\":1.5}|progress_ms must be an integer",
        "{\"mid\":1,\"key\":\"k\",\"video_id\":\"v\",\"progress_ms\":9,\"duration_ms\":5}"
            + "|progress_ms 9 is past duration_ms 5",
    })
    void shouldRefuseBadPlayHistoryNamingTheField(String json, String reason) {
        assertThatThrownBy(() -> events.playHistory(utf8(json), 0, (x, ok) -> { }))
                .isInstanceOf(EventException.class).hasMessage(reason);
    }

    @Test
    void shouldRefuseContentLongerThanTheLimit() {
        String big = "x".repeat(4097);
        assertThatThrownBy(() -> events.comment(utf8("{\"room_id\":\"live://1\",\"comment_id\":\"c\",\"mid\":1,"
                + "\"content\":\"" + big + "\"}"), 0, (x, ok) -> { }))
                .hasMessage("content longer than 4096 bytes");
    }

    @Test
    void shouldRefuseNonJson() {
        assertThatThrownBy(() -> events.comment(utf8("not json"), 0, (x, ok) -> { }))
                .isInstanceOf(EventException.class).hasMessageStartingWith("not JSON: ");
    }
}
