package dev.iomem.core.stubs;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The native operations that make machine-code stubs, for barrier instructions the JVM cannot
 * emit (arm64 {@code dmb osh*}, RISC-V {@code fence i,ir}): a writable anonymous mapping, its
 * change to read+execute (W^X: never writable and executable at once), and a downcall to an
 * address in it. A backend writes its instruction bytes through this interface, so a test can
 * verify the bytes written, the protection change and the calls with a mock, on a machine that
 * must never execute that architecture's code. {@link NativeExecutableStubs} is the real one.
 */
public interface ExecutableStubs {

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

    /**
     * Links a downcall to a routine of any signature, for machine code that takes arguments
     * (x86-64 copy routines); {@link #link(MemorySegment)} is the {@code ()void} case.
     *
     * @param entry      the routine's first instruction, inside an executable mapping
     * @param descriptor the routine's C signature
     * @param options    the linker options, for example {@code Linker.Option.critical(true)}
     * @return a method handle of the type {@code descriptor} gives
     * @throws UnsupportedOperationException if these stubs only link {@code ()void} stubs (the
     *                                       default)
     * @throws IllegalArgumentException      if the linker rejects the descriptor or options
     */
    default MethodHandle link(MemorySegment entry, FunctionDescriptor descriptor, Linker.Option... options) {
        throw new UnsupportedOperationException(getClass().getName() + " links only ()void stubs");
    }

    /**
     * Makes freshly written code visible to instruction fetch, after
     * {@link #makeExecutable(MemorySegment)} and before any stub runs. Does nothing by default:
     * x86-64 fetch is coherent, and arm64 Linux synchronises the caches when it installs a
     * user-executable page. RISC-V needs the {@code riscv_flush_icache} system call.
     *
     * @param code an executable mapping from {@link #mapWritable(long)}
     * @throws IllegalStateException if the kernel refused
     */
    default void synchronizeInstructionCache(MemorySegment code) {
    }
}
