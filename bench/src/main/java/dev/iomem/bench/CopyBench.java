package dev.iomem.bench;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.arch.x86.X86Backend;
import dev.iomem.core.access.MappedBus;
import dev.iomem.spi.MappedRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * B2: {@code copyToIo}, {@code copyFromIo} and {@code fillIo} with the x86 rules, against the C
 * implementation of the same kernel algorithm on the same memory. On x86-64 iomem's copies run
 * in its native copy routines ({@code copyToIoJavaLoop}: the pure-Java fallback, for context). Target: Java at 0.9x C or
 * better. {@code MemorySegment.copy} is reported for context only: the ceiling on cached
 * memory, and illegal on a BAR (native bulk copy of unspecified widths).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CopyBench {

    /** Bytes per copy. */
    @Param({"64", "4096", "65536", "1048576"})
    public int size;

    /** Device offset: 0 aligned, 3 to exercise the 1- and 2-byte head. */
    @Param({"0", "3"})
    public int ioOffset;

    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final ValueLayout.OfShort RAM_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt RAM_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SimulatedBar bar;
    private IoAccessor javaLoop;
    private MemorySegment ram;
    private MemorySegment io;

    /** Allocates the BAR stand-in and a RAM buffer. */
    @Setup(Level.Trial)
    public void open() {
        bar = new SimulatedBar(2L << 20);
        // The RAM buffer starts half a page past a page boundary, in every fork. Left to the
        // allocator, its distance to the device window modulo 4 KiB changed from fork to fork,
        // and with it the speed of C and Java alike (64 KiB copies took 4.6 or 7.6 us: 4 KiB
        // aliasing between loads and stores), so one fork per benchmark compared unlike layouts.
        ram = bar.arena.allocate(size + 2048L, 4096).asSlice(2048, size);
        for (int i = 0; i < size; i++) {
            ram.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        io = bar.memory.asSlice(ioOffset, size);
        // The same memory over a MappedBus without native copy routines: the accessor's Java loops.
        X86Backend backend = new X86Backend();
        javaLoop = backend.accessor(new MappedBus(new MappedRegion(bar.memory, MemoryType.DEVICE, "bench, Java loops", false)),
                MemoryType.DEVICE, backend.nativeBarriers());
    }

    /** Frees them. */
    @TearDown(Level.Trial)
    public void close() {
        bar.close();
    }

    /** iomem {@code copyToIo} (on x86-64, its native copy routine). */
    @Benchmark
    public void copyToIoJava() {
        bar.accessor.copyToIo(ram, ioOffset);
    }

    /**
     * Context: iomem {@code copyToIo} over a {@code MappedBus} without native copy routines, so
     * the accessor's pure-Java loop of opaque accesses (the fallback where the routines cannot be
     * made).
     */
    @Benchmark
    public void copyToIoJavaLoop() {
        javaLoop.copyToIo(ram, ioOffset);
    }

    /**
     * Context, the raw JVM limit: the same access sequence as {@code copyToIo} (1- then 2-byte
     * head, 4-byte body, 2- then 1-byte tail, each one opaque VarHandle access), written
     * inline with no validation, rules or bus.
     */
    @Benchmark
    public void copyToIoRawOpaque() {
        MemorySegment d = io;
        MemorySegment s = ram;
        long n = size;
        long i = 0;
        long addr = d.address();
        if ((addr & 1) != 0 && n >= 1) {
            BYTE.setOpaque(d, i, s.get(ValueLayout.JAVA_BYTE, i));
            i++;
        }
        if (((addr + i) & 2) != 0 && n - i >= 2) {
            SHORT.setOpaque(d, i, s.get(RAM_SHORT, i));
            i += 2;
        }
        for (; n - i >= 4; i += 4) {
            INT.setOpaque(d, i, s.get(RAM_INT, i));
        }
        if (n - i >= 2) {
            SHORT.setOpaque(d, i, s.get(RAM_SHORT, i));
            i += 2;
        }
        if (n - i >= 1) {
            BYTE.setOpaque(d, i, s.get(ValueLayout.JAVA_BYTE, i));
        }
    }

    /** C {@code memcpy_toio} algorithm. @throws Throwable never */
    @Benchmark
    public void copyToIoC() throws Throwable {
        KernelCopyAnchor.toIo(io, ram, size);
    }

    /** iomem {@code copyFromIo}. */
    @Benchmark
    public void copyFromIoJava() {
        bar.accessor.copyFromIo(ioOffset, ram);
    }

    /** C {@code memcpy_fromio} algorithm. @throws Throwable never */
    @Benchmark
    public void copyFromIoC() throws Throwable {
        KernelCopyAnchor.fromIo(ram, io, size);
    }

    /** iomem {@code fillIo}. */
    @Benchmark
    public void fillIoJava() {
        bar.accessor.fillIo(ioOffset, size, (byte) 0x5A);
    }

    /** C {@code memset_io} algorithm. @throws Throwable never */
    @Benchmark
    public void fillIoC() throws Throwable {
        KernelCopyAnchor.setIo(io, 0x5A, size);
    }

    /** Context only: the JDK's bulk copy, illegal on a BAR. */
    @Benchmark
    public void segmentCopyContext() {
        MemorySegment.copy(ram, 0, io, 0, size);
    }
}
