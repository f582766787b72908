package io.jgoim.loadtest.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerHeapTest {
    @Test
    void shouldReadG1() {
        assertThat(ServerHeap.parseUsedKb("""
                22497:
                 garbage-first heap   total 110592K, used 49009K [0x0000000687400000, 0x0000000800000000)
                  region size 4096K, 8 young (32768K), 2 survivors (8192K)
                 Metaspace       used 22678K, committed 22976K, reserved 1114112K
                """)).isEqualTo(49009);
    }

    @Test
    void shouldReadZgcInMegabytes() {
        assertThat(ServerHeap.parseUsedKb("""
                1:
                 ZHeap           used 14M, capacity 32M, max capacity 1024M
                 Metaspace       used 22678K, committed 22976K, reserved 1114112K
                """)).isEqualTo(14 * 1024);
    }

    @Test
    void shouldSumParallelGenerations() {
        assertThat(ServerHeap.parseUsedKb("""
                 PSYoungGen      total 38400K, used 2000K [0x00000007d5580000, 0x00000007d8000000)
                  eden space 33280K, 6% used [0x00000007d5580000,0x00000007d5778000,0x00000007d7600000)
                 ParOldGen       total 87552K, used 3000K [0x0000000780000000, 0x0000000785580000)
                 Metaspace       used 22678K, committed 22976K, reserved 1114112K
                """)).isEqualTo(5000);
    }

    @Test
    void shouldRefuseOutputWithoutHeapFigures() {
        assertThatThrownBy(() -> ServerHeap.parseUsedKb("12: no such process")).isInstanceOf(
                IllegalArgumentException.class);
    }
}
