package dev.iomem.arch.s390x;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/**
 * {@link SyscallGateway} as a downcall to libc's variadic {@code long syscall(long number, ...)}
 * ({@code Linker.Option.firstVariadicArg(1)}), with {@code errno} captured
 * ({@code Linker.Option.captureCallState("errno")}) into a per-thread buffer.
 *
 * <p>Not a critical downcall: the zPCI system calls take {@code mmap_read_lock} and may sleep.
 */
final class LibcSyscallGateway implements SyscallGateway {

    /** Linked on first use, once per JVM. */
    static final Supplier<SyscallGateway> INSTANCE = new Supplier<>() {
        private volatile SyscallGateway gateway;

        @Override
        public SyscallGateway get() {
            SyscallGateway g = gateway;
            if (g == null) {
                synchronized (this) {
                    g = gateway;
                    if (g == null) {
                        gateway = g = new LibcSyscallGateway();
                    }
                }
            }
            return g;
        }
    };

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private final MethodHandle syscall;

    private LibcSyscallGateway() {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new IllegalStateException("libc has no syscall function"));
        syscall = linker.downcallHandle(symbol,
                FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"));
    }

    @Override
    public long call(long number, long address, MemorySegment buffer, long length) {
        MemorySegment state = STATE.get();
        long r;
        try {
            r = (long) syscall.invokeExact(state, number, address, buffer, length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("syscall " + number + " failed", t);
        }
        // libc turns a kernel result in -4095..-1 into -1 with errno set.
        return r == -1 ? -(int) ERRNO.get(state, 0L) : r;
    }
}
