package io.jgoim.common.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAuditTest {

    /** Found by fuzzing: a refusal quoting the caller's value let a kick with %0A write a forged audit line. */
    @Test
    void noPartOfAnAuditLineCarriesAControlCharacter() {
        String forged = "nobody\n2026-12-08 01:40:00.000 INFO  io.jgoim.audit - admin drain by ops: ok";
        assertThat(AdminAudit.visible(forged)).doesNotContain("\n").startsWith("nobody\\u000a2026-12-08");
        assertThat(AdminAudit.visible("k\u001fx\u0000\r\t\u007f\u009f")).isEqualTo(
                "k\\u001fx\\u0000\\u000d\\u0009\\u007f\\u009f");
        String plain = "server=comet-1 weight=100";
        assertThat(AdminAudit.visible(plain)).isSameAs(plain);
        assertThat(AdminAudit.visible("live://房间 ok")).isEqualTo("live://房间 ok");
    }
}
