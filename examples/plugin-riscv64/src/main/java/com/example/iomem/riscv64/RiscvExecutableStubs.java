package com.example.iomem.riscv64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.NativeExecutableStubs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * iomem's {@link NativeExecutableStubs} (mmap, mprotect to read+execute, downcalls) plus the
 * one step RISC-V adds: instruction fetch is not coherent with stores, and {@code fence.i} only
 * affects the hart that runs it (a thread may migrate), so freshly written stubs are made
 * visible with the {@code riscv_flush_icache(start, end, flags)} system call (number 259 on
 * riscv64, {@code arch/riscv/include/uapi/asm/unistd.h}); {@code flags} 0 applies it to every
 * thread of the process. The number means something else elsewhere (259 is {@code mknodat} on
 * x86-64), so the call is refused anywhere but riscv64.
 *
 * <p>This has not been run on riscv64 hardware.
 */
final class RiscvExecutableStubs implements ExecutableStubs {

    /** {@code __NR_riscv_flush_icache} on riscv64: {@code __NR_arch_specific_syscall} (244) + 15. */
    static final long SYS_RISCV_FLUSH_ICACHE = 259;
    /** {@code flags} for every thread of the process (not {@code SYS_RISCV_FLUSH_ICACHE_LOCAL}). */
    private static final long ALL_THREADS = 0;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final ExecutableStubs pages = new NativeExecutableStubs();
    private final String osArch = System.getProperty("os.arch", "unknown");
    private final MethodHandle syscall;

    /**
     * Links libc's {@code syscall} (linking runs nothing).
     *
     * @throws IllegalCallerException if native access is not enabled for this module
     * @throws IllegalStateException  if libc lacks a function
     */
    RiscvExecutableStubs() {
        // long syscall(long number, ...): the variadic arguments start at index 1.
        syscall = LINKER.downcallHandle(
                LINKER.defaultLookup().find("syscall").orElseThrow(() -> new IllegalStateException("libc has no syscall")),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    @Override
    public MemorySegment mapWritable(long bytes) {
        return pages.mapWritable(bytes);
    }

    @Override
    public void makeExecutable(MemorySegment code) {
        pages.makeExecutable(code);
    }

    @Override
    public void unmap(MemorySegment code) {
        pages.unmap(code);
    }

    @Override
    public MethodHandle link(MemorySegment entry) {
        return pages.link(entry);
    }

    /**
     * Flushes the instruction cache of every hart for {@code code}.
     *
     * @throws IllegalStateException if this is not riscv64, or the kernel refused
     */
    @Override
    public void synchronizeInstructionCache(MemorySegment code) {
        if (!Riscv64Backend.OS_ARCH_NAMES.contains(osArch)) {
            throw new IllegalStateException("riscv_flush_icache is a riscv64 system call; os.arch is " + osArch);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long rc = (long) syscall.invokeExact(state, SYS_RISCV_FLUSH_ICACHE, code.address(),
                    code.address() + code.byteSize(), ALL_THREADS);
            if (rc != 0) {
                throw new IllegalStateException("riscv_flush_icache failed: errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("riscv_flush_icache failed", t);
        }
    }
}
