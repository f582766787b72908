package io.jgoim.job;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading, env overrides and validation of the job config; configs/job.yaml documents exactly the defaults. */
class JobConfigTest {
    @Test
    void shouldLoadTheEmbeddedDefaults() {
        JobConfig c = JobConfig.defaults();
        assertThat(c.kafka().pushTopic()).isEqualTo("goim-push-topic");
        assertThat(c.kafka().deadLetterTopic("goim-push-topic")).isEqualTo("goim-push-topic.DLT");
        assertThat(c.batch().window()).as("no clock by default (issue 17)").isZero();
        assertThat(c.batch().size()).isEqualTo(128);
        assertThat(c.events().comment().operation()).isEqualTo(1001);
        assertThat(c.bus().isKafka()).isTrue();
    }

    @Test
    void shouldShipAConfigFileEqualToTheDefaults() {
        JobConfig file = JobConfig.load(Path.of("../configs/job.yaml"), Map.of());
        assertThat(file).isEqualTo(JobConfig.defaults());
    }

    @Test
    void shouldLetTheEnvironmentWinOverTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, "batch:\n  window: 50ms\nevents:\n  playHistory:\n    topic: ph\n");
        JobConfig c = JobConfig.load(f, Map.of("JGOIM_BATCH_WINDOW", "7ms", "JGOIM_KAFKA_GROUP_ID", "g2"));
        assertThat(c.batch().window()).isEqualTo(Duration.ofMillis(7));
        assertThat(c.kafka().groupId()).isEqualTo("g2");
        assertThat(c.events().playHistory().topic()).isEqualTo("ph");
    }

    @Test
    void shouldNameAnUnknownKey(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, "batch:\n  windw: 5ms\n");
        assertThatThrownBy(() -> JobConfig.load(f, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("batch.windw");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "JGOIM_BATCH_SIZE|0|batch.size must be > 0, was 0",
        "JGOIM_BUS_MODE|redis|bus.mode must be 'kafka' or 'in-process', was 'redis'",
        "JGOIM_KAFKA_MAX_IN_FLIGHT_RECORDS|10|kafka.maxInFlightRecords must be >= kafka.maxPollRecords",
        "JGOIM_EVENTS_COMMENT_OPERATION|5|events.*.operation must be a business op >= 1000, was 5",
        "JGOIM_KAFKA_AUTO_OFFSET_RESET|none|kafka.autoOffsetReset must be 'latest' or 'earliest', was 'none'",
        "JGOIM_DISPATCH_LANES|1000|dispatch.lanes must be <= 256, was 1000",
        "JGOIM_METRICS_PORT|70000|metrics.port must be a port 0-65535 (0 = any free port), was 70000",
    })
    void shouldRefuseABadValueNamingTheKey(String env, String value, String message) {
        assertThatThrownBy(() -> JobConfig.load(null, Map.of(env, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void shouldSwitchToTheInProcessBusForStandalone() {
        JobConfig c = JobConfig.defaults().inProcess();
        assertThat(c.bus().isKafka()).isFalse();
        assertThat(c.bus().capacity()).isEqualTo(JobConfig.defaults().bus().capacity());
        assertThat(c.batch()).isEqualTo(JobConfig.defaults().batch());
    }

    @Test
    void shouldRefuseABadDuration() {
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("JGOIM_BATCH_WINDOW", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("batch.window");
    }

    @Test
    void shouldAskForRoomAnswersOnAcceptanceByDefaultAndRefuseAnUnknownAck() {
        assertThat(JobConfig.defaults().comet().roomAck()).isEqualTo("accepted");
        assertThat(JobConfig.defaults().comet().roomsAnsweredAccepted()).isTrue();
        assertThat(JobConfig.load(null, Map.of("JGOIM_COMET_ROOM_ACK", "written")).comet().roomsAnsweredAccepted())
                .isFalse();
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("JGOIM_COMET_ROOM_ACK", "delivered")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("comet.roomAck");
    }
}
