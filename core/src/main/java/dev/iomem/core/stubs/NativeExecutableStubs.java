package dev.iomem.core.stubs;

import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.linux.Libc;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@link ExecutableStubs} over iomem's one native layer: {@code mmap}, {@code mprotect} and
 * {@code munmap} are {@link Libc}'s (errno captured there, named by
 * {@link ErrnoException#name}); only the links to the generated machine code are made here.
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

    private static final Linker LINKER = Linker.nativeLinker();

    /** Creates the stubs; the libc functions are {@link Libc}'s, linked when it is first used. */
    public NativeExecutableStubs() {
    }

    @Override
    public MemorySegment mapWritable(long bytes) {
        long address;
        try {
            address = Libc.mmap(bytes, Libc.PROT_READ_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS);
        } catch (ErrnoException e) {
            throw new IllegalStateException("mmap of " + bytes + " writable bytes failed: " + ErrnoException.name(e.errno()), e);
        }
        return reinterpret(address, bytes);
    }

    @SuppressWarnings("restricted") // the mapping just made is exactly this long
    private static MemorySegment reinterpret(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    @Override
    public void makeExecutable(MemorySegment code) {
        try {
            Libc.mprotect(code.address(), code.byteSize(), Libc.PROT_READ | Libc.PROT_EXEC);
        } catch (ErrnoException e) {
            throw new IllegalStateException("mprotect(PROT_READ|PROT_EXEC) was refused: " + ErrnoException.name(e.errno())
                    + " (a W^X policy such as SELinux execmem or PaX MPROTECT forbids executable anonymous memory)", e);
        }
    }

    @Override
    public void unmap(MemorySegment code) {
        try {
            Libc.munmap(code.address(), code.byteSize());
        } catch (RuntimeException e) {
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
}
