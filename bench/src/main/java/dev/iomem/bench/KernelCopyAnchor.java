package dev.iomem.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.foreign.Arena;

/**
 * The C anchor of B2 ({@code bench/src/main/c/kernel_iomem.c}, compiled by {@code bench/run}),
 * called through FFM downcalls marked critical (no thread-state transition, as cheap as a
 * downcall gets). The library's path is the system property {@code iomem.bench.anchor}.
 */
final class KernelCopyAnchor {

    static final MethodHandle TO_IO;
    static final MethodHandle FROM_IO;
    static final MethodHandle SET_IO;

    static {
        String path = System.getProperty("iomem.bench.anchor");
        if (path == null || !Files.isReadable(Path.of(path))) {
            throw new IllegalStateException("the C anchor library is missing: run the benchmarks with bench/run, which compiles "
                    + "bench/src/main/c/kernel_iomem.c with gcc and passes -Diomem.bench.anchor=<path>");
        }
        SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(path), Arena.global());
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(false);
        FunctionDescriptor copy = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
        TO_IO = linker.downcallHandle(lib.findOrThrow("anchor_memcpy_toio"), copy, critical);
        FROM_IO = linker.downcallHandle(lib.findOrThrow("anchor_memcpy_fromio"), copy, critical);
        SET_IO = linker.downcallHandle(lib.findOrThrow("anchor_memset_io"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), critical);
    }

    private KernelCopyAnchor() {
    }

    static void toIo(MemorySegment io, MemorySegment src, long n) throws Throwable {
        TO_IO.invokeExact(io, src, n);
    }

    static void fromIo(MemorySegment dst, MemorySegment io, long n) throws Throwable {
        FROM_IO.invokeExact(dst, io, n);
    }

    static void setIo(MemorySegment io, int c, long n) throws Throwable {
        SET_IO.invokeExact(io, c, n);
    }
}
