package io.jgoim.common.overload;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatTest {
    // Captured on the 2-core development VM (kernel 6.18).
    private static final String STAT = """
            cpu  6291 11800 7050 39599 402 0 277 0 0 0
            cpu0 2702 5950 2873 21070 18 0 84 0 0 0
            cpu1 3589 5850 4176 18528 384 0 192 0 0 0
            intr 1349417 0 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
            """;
    private static final String SELF_STAT = "5668 (bash) S 5665 5668 5668 0 -1 4194560 9220 105580 0 8 18 31 273 335 20"
            + " 0 1 0 27906 5369856 1028 18446744073709551615 94416272027648 94416272817053 140734728244608 0 0 0"
            + " 65536 4 1132560123 1 0 0 17 1 0 0 0 0 0 94416273050352 94416273098596 94417048633344 140734728248189"
            + " 140734728248204 140734728248204 140734728249322 0\n";

    private final long[] out = new long[2];

    @Test
    void shouldCountIdleAndIowaitAsIdleAndTheRestAsBusy() {
        assertThat(ProcStat.machine(bytes(STAT), STAT.length(), out)).isTrue();
        assertThat(out[ProcStat.BUSY]).isEqualTo(6291 + 11800 + 7050 + 277);
        assertThat(out[ProcStat.TOTAL]).isEqualTo(6291 + 11800 + 7050 + 39599 + 402 + 277);
    }

    @Test
    void shouldCountStealAsBusyAndNotCountGuestTwice() {
        String line = "cpu  100 20 30 400 50 6 7 8 90 10\n";
        assertThat(ProcStat.machine(bytes(line), line.length(), out)).isTrue();
        assertThat(out[ProcStat.BUSY]).isEqualTo(100 + 20 + 30 + 6 + 7 + 8);
        assertThat(out[ProcStat.TOTAL]).isEqualTo(100 + 20 + 30 + 400 + 50 + 6 + 7 + 8);
    }

    @Test
    void shouldRefuseACutOrForeignMachineLine() {
        String cut = "cpu  6291 11800 70";
        assertThat(ProcStat.machine(bytes(cut), cut.length(), out)).isFalse();
        String perCpu = "cpu0 2702 5950 2873 21070 18 0 84 0 0 0\n";
        assertThat(ProcStat.machine(bytes(perCpu), perCpu.length(), out)).isFalse();
        String garbage = "cpu  12 x4 5\n";
        assertThat(ProcStat.machine(bytes(garbage), garbage.length(), out)).isFalse();
    }

    @Test
    void shouldSumOnlyTheLinesOfThePinnedCpus() {
        assertThat(ProcStat.cpus(bytes(STAT), STAT.length(), new boolean[] {false, true}, 1, out)).isTrue();
        assertThat(out[ProcStat.BUSY]).isEqualTo(3589 + 5850 + 4176 + 192);
        assertThat(out[ProcStat.TOTAL]).isEqualTo(3589 + 5850 + 4176 + 18528 + 384 + 192);
        assertThat(ProcStat.cpus(bytes(STAT), STAT.length(), new boolean[] {true, true}, 2, out)).isTrue();
        assertThat(out[ProcStat.BUSY]).isEqualTo(2702 + 5950 + 2873 + 84 + 3589 + 5850 + 4176 + 192);
    }

    @Test
    void shouldRefuseWhenAPinnedCpusLineIsMissingOrCut() {
        assertThat(ProcStat.cpus(bytes(STAT), STAT.length(), new boolean[] {false, false, true}, 1, out)).isFalse();
        int cut = STAT.indexOf("cpu1") + 12;
        assertThat(ProcStat.cpus(bytes(STAT), cut, new boolean[] {false, true}, 1, out)).isFalse();
        String cpu10 = "cpu  1 1 1 1\ncpu1 5 0 0 5\ncpu10 7 0 0 3\n";
        boolean[] ten = new boolean[11];
        ten[10] = true;
        assertThat(ProcStat.cpus(bytes(cpu10), cpu10.length(), ten, 1, out)).isTrue();
        assertThat(out[ProcStat.BUSY]).isEqualTo(7);
        assertThat(out[ProcStat.TOTAL]).isEqualTo(10);
    }

    @Test
    void shouldReadUserPlusSystemTicksOfTheProcess() {
        assertThat(ProcStat.processTicks(bytes(SELF_STAT), SELF_STAT.length())).isEqualTo(18 + 31);
    }

    @Test
    void shouldCountFieldsFromTheLastParenthesisOfTheCommand() {
        String odd = SELF_STAT.replace("(bash)", "(a) 1 2 (b)");
        assertThat(ProcStat.processTicks(bytes(odd), odd.length())).isEqualTo(18 + 31);
    }

    @Test
    void shouldRefuseACutProcessLine() {
        String cut = SELF_STAT.substring(0, SELF_STAT.indexOf(" 18 31 ") + 4);
        assertThat(ProcStat.processTicks(bytes(cut), cut.length())).isEqualTo(-1);
        assertThat(ProcStat.processTicks(bytes("5668 bash S 1 2"), 15)).isEqualTo(-1);
    }

    @Test
    void shouldParseOnlyTheBytesRead() {
        ByteBuffer buf = ByteBuffer.allocateDirect(512);
        buf.put(STAT.getBytes(StandardCharsets.US_ASCII), 0, 30);
        assertThat(ProcStat.machine(buf, 30, out)).isFalse();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
