package io.jgoim.logic;

import io.jgoim.common.config.ConfigException;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.Retention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Logic's {@code history:} section: embedded defaults, per-room-type entries, size 0 = off, env and bad values. */
class HistoryConfigSectionTest {
    private static final Retention ROOMS = new Retention(100, Duration.ofMinutes(10));
    private static final Retention MEMBERS = new Retention(100, Duration.ofHours(1));

    private static LogicConfig load(Path dir, String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, yaml);
        return LogicConfig.load(file, env);
    }

    @Test
    void shouldKeepHistoryForEveryRoomAndMemberByDefault() {
        HistoryConfig h = LogicConfig.load(null, Map.of()).history();
        assertThat(h.rooms()).isEqualTo(Map.of("*", ROOMS));
        assertThat(h.members()).isEqualTo(MEMBERS);
        assertThat(h.retention("live://1000")).isEqualTo(ROOMS);
        assertThat(h.retention("mid:42")).isEqualTo(MEMBERS);
    }

    @Test
    void shouldBindAPerTypeEntryNextToTheQuotedWildcard(@TempDir Path dir) throws Exception {
        HistoryConfig h = load(dir, "history:\n  rooms:\n    \"*\": {size: 7, ttl: 2m}\n"
                + "    live: {size: 500, ttl: 30m}\n  members:\n    ttl: 5m\n", Map.of()).history();
        assertThat(h.retention("live://1")).isEqualTo(new Retention(500, Duration.ofMinutes(30)));
        assertThat(h.retention("chat://1")).isEqualTo(new Retention(7, Duration.ofMinutes(2)));
        // A file that sets one member key keeps the other's default.
        assertThat(h.retention("mid:1")).isEqualTo(new Retention(100, Duration.ofMinutes(5)));
    }

    @Test
    void shouldTurnHistoryOffWithSizeZero(@TempDir Path dir) throws Exception {
        HistoryConfig h = load(dir, "history:\n  rooms:\n    \"*\": {size: 0}\n    live: {size: 50, ttl: 1m}\n"
                + "  members: {size: 0}\n", Map.of()).history();
        assertThat(h.retention("chat://1").enabled()).isFalse();
        assertThat(h.retention("mid:1").enabled()).isFalse();
        assertThat(h.retention("live://1").enabled()).isTrue();
        assertThat(h.anyEnabled()).isTrue();
    }

    @Test
    void shouldApplyEnvToMemberWildcardAndListedTypeKeys(@TempDir Path dir) throws Exception {
        LogicConfig c = load(dir, "history:\n  rooms:\n    live: {size: 50, ttl: 1m}\n", Map.of(
                "JGOIM_HISTORY_MEMBERS_SIZE", "0",
                "JGOIM_HISTORY_ROOMS_*_TTL", "20m",
                "JGOIM_HISTORY_ROOMS_LIVE_SIZE", "60",
                "JGOIM_HISTORY_ROOMS_CHAT_SIZE", "1")); // chat is not in the file: no such key, ignored
        assertThat(c.history().members().enabled()).isFalse();
        assertThat(c.history().retention("other://1")).isEqualTo(new Retention(100, Duration.ofMinutes(20)));
        assertThat(c.history().retention("live://1")).isEqualTo(new Retention(60, Duration.ofMinutes(1)));
        assertThat(c.history().rooms()).containsOnlyKeys("*", "live");
    }

    @Test
    void shouldRefuseAnUnquotedWildcard(@TempDir Path dir) {
        // A bare * starts a YAML alias: the file does not parse, and the error says so rather than binding nonsense.
        assertThatThrownBy(() -> load(dir, "history:\n  rooms:\n    *: {size: 1, ttl: 1m}\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read config file");
    }

    @Test
    void shouldRefuseBadValuesNamingTheKey(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_HISTORY_MEMBERS_SIZE", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.members")
                .hasMessageContaining("0..100000");
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_HISTORY_MEMBERS_SIZE", "100001")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.members");
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_HISTORY_MEMBERS_TTL", "0s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.members")
                .hasMessageContaining("ttl must be positive");
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_HISTORY_MEMBERS_TTL", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.members.ttl");
        assertThatThrownBy(() -> load(dir, "history:\n  rooms:\n    live: {size: 1}\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.rooms.live")
                .hasMessageContaining("ttl is required");
        assertThatThrownBy(() -> load(dir, "history:\n  rooms:\n    live: {size: 1, ttl: 1m, max: 3}\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.rooms.live.max");
        assertThatThrownBy(() -> load(dir, "history:\n  rooms:\n    \"live://\": {size: 1, ttl: 1m}\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.rooms")
                .hasMessageContaining("'live://' is not a room type");
        assertThatThrownBy(() -> load(dir, "history:\n  size: 1\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("history.size");
    }
}
