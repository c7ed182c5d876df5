package dev.iomem.core.stubs;

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
 * {@link ExecutableStubs} through FFM downcalls to libc's {@code mmap}, {@code mprotect} and
 * {@code munmap}, with {@code errno} captured.
 *
 * <p>Instruction-cache coherence: the stubs are written while the page is only writable and
 * become executable through {@code mprotect}. On x86-64 instruction fetch is coherent with
 * stores; on arm64 Linux, installing a user-executable page table entry synchronises the
 * instruction and data caches for that page ({@code set_pte_at} calls
 * {@code __sync_icache_dcache} for present, user-executable PTEs,
 * {@code arch/arm64/include/asm/pgtable.h}), so no {@code ic ivau} is needed from user space.
 * {@link #synchronizeInstructionCache} therefore does nothing here; an architecture that needs
 * a flush (RISC-V's {@code riscv_flush_icache}) wraps this class and adds it. The stubs have not
 * been executed on arm64 hardware; mapping and protecting pages runs on this machine.
 */
public final class NativeExecutableStubs implements ExecutableStubs {

    // asm-generic/mman-common.h; the same values on arm64 and x86-64.
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int PROT_EXEC = 0x4;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private final MethodHandle mmap;
    private final MethodHandle mprotect;
    private final MethodHandle munmap;

    /**
     * Links the libc functions.
     *
     * @throws IllegalCallerException if native access is not enabled for this module
     * @throws IllegalStateException  if libc lacks one of the functions
     */
    public NativeExecutableStubs() {
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

    @Override
    public MethodHandle link(MemorySegment entry, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(entry, descriptor, options);
    }

    private static String errno(MemorySegment state) {
        int e = (int) ERRNO.get(state, 0L);
        return switch (e) {
            case 1 -> "EPERM (1)";
            case 12 -> "ENOMEM (12)";
            case 13 -> "EACCES (13)";
            case 22 -> "EINVAL (22)";
            default -> String.valueOf(e);
        };
    }
}
