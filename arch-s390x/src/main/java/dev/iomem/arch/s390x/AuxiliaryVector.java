package dev.iomem.arch.s390x;

import dev.iomem.core.linux.Libc;

/**
 * The process's ELF auxiliary vector, through libc's {@code getauxval}, as rdma-core does for
 * {@code HWCAP_S390_PCI_MIO}. glibc answers {@code AT_HWCAP} from its {@code dl_hwcap}: on s390x
 * the kernel's value (less bits a user masked with the {@code glibc.cpu.hwcaps} tunable); on
 * x86-64 it is replaced by {@code HWCAP_X86_64}, one more reason the bit is only read on s390x.
 */
final class AuxiliaryVector {

    /** {@code AT_HWCAP} ({@code include/uapi/linux/auxvec.h}). */
    static final long AT_HWCAP = 16;

    /**
     * {@code HWCAP_S390_PCI_MIO}: bit {@code HWCAP_NR_PCI_MIO} = 21 of {@code AT_HWCAP} on s390x
     * ({@code arch/s390/include/asm/elf.h}); shown as {@code pcimio} in {@code /proc/cpuinfo}.
     * Meaningless on other architectures.
     */
    static final long HWCAP_S390_PCI_MIO = 1L << 21;

    private AuxiliaryVector() {
    }

    /**
     * {@return the value of an auxiliary-vector entry, 0 if there is none} Through
     * {@link Libc#getauxval}, iomem's one native layer.
     *
     * @param type the entry type, such as {@link #AT_HWCAP}
     */
    static long get(long type) {
        return Libc.getauxval(type);
    }
}
