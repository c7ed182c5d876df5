package com.example.iomem.riscv64;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The native operations that make machine-code stubs: a writable anonymous mapping, its change
 * to read+execute (W^X: never writable and executable at once), the instruction-cache
 * synchronisation RISC-V needs before freshly written code may run, and a downcall to an address
 * in it. Separate from {@link Riscv64Barriers} so that the bytes written, the order of the steps
 * and the calls can be verified on a machine that must never execute riscv64 code.
 */
interface ExecutableStubs {

    /**
     * Maps fresh private anonymous memory, readable and writable ({@code mmap} with
     * {@code PROT_READ|PROT_WRITE}).
     *
     * @param bytes the length to map
     * @return the mapping
     * @throws IllegalStateException if the kernel refused the mapping
     */
    MemorySegment mapWritable(long bytes);

    /**
     * Makes a mapping readable and executable and no longer writable ({@code mprotect} with
     * {@code PROT_READ|PROT_EXEC}).
     *
     * @param code a mapping from {@link #mapWritable(long)}
     * @throws IllegalStateException if the kernel refused, for example under a W^X policy
     *                               (SELinux {@code execmem}, PaX {@code MPROTECT})
     */
    void makeExecutable(MemorySegment code);

    /**
     * Makes the instruction fetch of every hart see the bytes written into {@code code}
     * (RISC-V has no coherent instruction cache: the kernel's {@code riscv_flush_icache}
     * system call, which user space must use instead of {@code fence.i}).
     *
     * @param code an executable mapping from {@link #makeExecutable(MemorySegment)}
     * @throws IllegalStateException if the kernel refused, or if this is not a riscv64 JVM
     */
    void synchronizeInstructionCache(MemorySegment code);

    /**
     * Unmaps a mapping from {@link #mapWritable(long)} ({@code munmap}). Failures are ignored: it
     * is only used to clean up after a failed stub creation.
     *
     * @param code the mapping
     */
    void unmap(MemorySegment code);

    /**
     * Links a downcall to a stub that takes no arguments and returns nothing.
     *
     * @param entry the stub's first instruction, inside an executable mapping
     * @return a method handle of type {@code ()void} that calls it
     */
    MethodHandle link(MemorySegment entry);
}
