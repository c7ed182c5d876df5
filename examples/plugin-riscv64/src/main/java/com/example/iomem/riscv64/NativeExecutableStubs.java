package com.example.iomem.riscv64;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@link ExecutableStubs} through FFM downcalls to libc's {@code mmap}, {@code mprotect},
 * {@code munmap} and {@code syscall}, with {@code errno} captured.
 *
 * <p>Instruction-cache coherence: RISC-V does not keep instruction fetch coherent with stores,
 * and {@code fence.i} only affects the hart that runs it (a thread may migrate). Linux gives user
 * space the {@code riscv_flush_icache(start, end, flags)} system call (number 259 on riscv64,
 * {@code arch/riscv/include/uapi/asm/unistd.h}); with {@code flags} 0 it applies to every thread
 * of the process. It is called after the page is made executable and before any stub runs. The
 * system call number means something else on other architectures (259 is {@code mknodat} on
 * x86-64), so {@link #synchronizeInstructionCache} refuses to run anywhere but riscv64.
 *
 * <p>This has not been run on riscv64 hardware.
 */
final class NativeExecutableStubs implements ExecutableStubs {

    // asm-generic/mman-common.h; the same values on riscv64 and x86-64.
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int PROT_EXEC = 0x4;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long MAP_FAILED = -1L;

    /** {@code __NR_riscv_flush_icache} on riscv64: {@code __NR_arch_specific_syscall} (244) + 15. */
    static final long SYS_RISCV_FLUSH_ICACHE = 259;
    /** {@code flags} for every thread of the process (not {@code SYS_RISCV_FLUSH_ICACHE_LOCAL}). */
    private static final long ALL_THREADS = 0;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private final String osArch;
    private final MethodHandle mmap;
    private final MethodHandle mprotect;
    private final MethodHandle munmap;
    private final MethodHandle syscall;

    /**
     * Links the libc functions (linking runs nothing).
     *
     * @throws IllegalCallerException if native access is not enabled for this module
     * @throws IllegalStateException  if libc lacks one of the functions
     */
    NativeExecutableStubs() {
        this.osArch = System.getProperty("os.arch", "unknown");
        SymbolLookup libc = LINKER.defaultLookup();
        mmap = LINKER.downcallHandle(find(libc, "mmap"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                ERRNO_OPTION);
        mprotect = LINKER.downcallHandle(find(libc, "mprotect"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                ERRNO_OPTION);
        munmap = LINKER.downcallHandle(find(libc, "munmap"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        // long syscall(long number, ...): the variadic arguments start at index 1.
        syscall = LINKER.downcallHandle(find(libc, "syscall"),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), ERRNO_OPTION);
    }

    private static MemorySegment find(SymbolLookup libc, String name) {
        return libc.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }

    @Override
    public MemorySegment mapWritable(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment p = (MemorySegment) mmap.invokeExact(state, MemorySegment.NULL, bytes,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            if (p.address() == MAP_FAILED) {
                throw new IllegalStateException("mmap of " + bytes + " writable bytes failed: errno " + errno(state));
            }
            return p.reinterpret(bytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
    }

    @Override
    public void makeExecutable(MemorySegment code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) mprotect.invokeExact(state, code, code.byteSize(), PROT_READ | PROT_EXEC);
            if (rc != 0) {
                throw new IllegalStateException("mprotect(PROT_READ|PROT_EXEC) was refused: errno " + errno(state)
                        + " (a W^X policy such as SELinux execmem or PaX MPROTECT forbids executable anonymous memory)");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mprotect failed", t);
        }
    }

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
                throw new IllegalStateException("riscv_flush_icache failed: errno " + errno(state));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("riscv_flush_icache failed", t);
        }
    }

    @Override
    public void unmap(MemorySegment code) {
        try {
            int ignored = (int) munmap.invokeExact(code, code.byteSize());
        } catch (Throwable t) {
            // Cleanup after a failure already being reported; nothing better to do.
        }
    }

    @Override
    public MethodHandle link(MemorySegment entry) {
        // critical(false): the stub is two instructions and never blocks, so the thread need not
        // leave the Java state (no safepoint poll, no state transition) around the call.
        return LINKER.downcallHandle(entry, FunctionDescriptor.ofVoid(), Linker.Option.critical(false));
    }

    private static String errno(MemorySegment state) {
        int e = (int) ERRNO.get(state, 0L);
        return switch (e) {
            case 1 -> "EPERM (1)";
            case 12 -> "ENOMEM (12)";
            case 13 -> "EACCES (13)";
            case 14 -> "EFAULT (14)";
            case 22 -> "EINVAL (22)";
            case 38 -> "ENOSYS (38)";
            default -> String.valueOf(e);
        };
    }
}
