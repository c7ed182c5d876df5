package dev.iomem.arch.s390x;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The auxiliary vector")
class AuxiliaryVectorTest {

    /** The value of {@code type} in /proc/self/auxv: pairs of native unsigned longs, ended by AT_NULL. */
    private static long fromProc(long type) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of("/proc/self/auxv"))).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 16) {
            long t = b.getLong();
            long v = b.getLong();
            if (t == type) {
                return v;
            }
            if (t == 0) {
                break;
            }
        }
        return 0;
    }

    @Test
    @DisplayName("getauxval through FFM agrees with this process's /proc/self/auxv")
    void matchesProc() throws IOException {
        assertThat(AuxiliaryVector.get(6)).isEqualTo(fromProc(6)).isPositive(); // AT_PAGESZ
        assertThat(AuxiliaryVector.get(17)).isEqualTo(fromProc(17)).isPositive(); // AT_CLKTCK
        assertThat(AuxiliaryVector.get(11)).isEqualTo(fromProc(11)); // AT_UID
        // glibc's getauxval(AT_HWCAP) is its dl_hwcap: the kernel's value, except that x86-64
        // glibc replaces it with its own bits, HWCAP_X86_64 (2) plus HWCAP_X86_AVX512_1 (4) on
        // a CPU with AVX-512 (sysdeps/x86/cpu-features.c, sysdeps/x86/dl-hwcap.h).
        assertThat(AuxiliaryVector.get(AuxiliaryVector.AT_HWCAP)).isIn(fromProc(AuxiliaryVector.AT_HWCAP), 2L, 6L);
    }

    @Test
    @DisplayName("HWCAP_S390_PCI_MIO is bit 21 (HWCAP_NR_PCI_MIO in arch/s390/include/asm/elf.h)")
    void mioBit() {
        assertThat(AuxiliaryVector.HWCAP_S390_PCI_MIO).isEqualTo(0x200000L);
    }
}
