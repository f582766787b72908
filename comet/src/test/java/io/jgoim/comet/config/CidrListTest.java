package io.jgoim.comet.config;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrListTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void shouldMatchAddressesInsideTheBlocksOnly() throws Exception {
        CidrList l = CidrList.parse(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "172.16.0.0/12"), "k");
        assertThat(l.contains(ip("10.200.3.4"))).isTrue();
        assertThat(l.contains(ip("11.0.0.1"))).isFalse();
        assertThat(l.contains(ip("192.168.1.7"))).isTrue();
        assertThat(l.contains(ip("192.168.1.8"))).isFalse();
        assertThat(l.contains(ip("172.31.255.255"))).isTrue();
        assertThat(l.contains(ip("172.32.0.0"))).isFalse();
        assertThat(l.contains(ip("fd12::1"))).isTrue();
        assertThat(l.contains(ip("fe80::1"))).isFalse();
        assertThat(l.contains(ip("::ffff:10.1.1.1"))).as("IPv4-mapped").isTrue();
        assertThat(l.contains(null)).isFalse();
        assertThat(CidrList.parse(List.of(), "k").contains(ip("10.0.0.1"))).isFalse();
    }

    @Test
    void shouldRefuseMalformedEntriesNamingTheKey() {
        assertThatThrownBy(() -> CidrList.parse(List.of("10.0.0.0/33"), "proxy.trustedProxies"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("proxy.trustedProxies");
        assertThatThrownBy(() -> CidrList.parse(List.of("lb.example.com"), "proxy.trustedProxies"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lb.example.com");
        assertThatThrownBy(() -> CidrList.parse(List.of("10.0.0.0/x"), "k")).isInstanceOf(ConfigException.class);
    }
}
