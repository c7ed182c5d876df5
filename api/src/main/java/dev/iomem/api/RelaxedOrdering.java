package dev.iomem.api;

/**
 * What an architecture's relaxed accesses ({@code read32Relaxed} and the like, the kernel's
 * {@code readl_relaxed}) are, as a declared rule.
 */
public enum RelaxedOrdering {
    /**
     * Relaxed accesses call no ordering hook: the kernel's {@code *_relaxed} accessors on
     * asm-generic, x86, arm64, riscv and s390x.
     */
    UNORDERED,
    /**
     * Relaxed accesses are the ordered ones, with every hook: powerpc, whose
     * {@code readX_relaxed}/{@code writeX_relaxed} are {@code readX}/{@code writeX}
     * ({@code arch/powerpc/include/asm/io.h}: "We don't do relaxed operations yet").
     */
    ORDERED
}
