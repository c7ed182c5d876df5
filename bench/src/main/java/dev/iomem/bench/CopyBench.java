package dev.iomem.bench;

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
import java.util.concurrent.TimeUnit;

/**
 * B2: {@code copyToIo}, {@code copyFromIo} and {@code fillIo} with the x86 rules, against the C
 * implementation of the same kernel algorithm on the same memory. Target: Java at 0.9x C or
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

    private SimulatedBar bar;
    private MemorySegment ram;
    private MemorySegment io;

    /** Allocates the BAR stand-in and a RAM buffer. */
    @Setup(Level.Trial)
    public void open() {
        bar = new SimulatedBar(2L << 20);
        ram = bar.arena.allocate(size, 64);
        for (int i = 0; i < size; i++) {
            ram.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        io = bar.memory.asSlice(ioOffset, size);
    }

    /** Frees them. */
    @TearDown(Level.Trial)
    public void close() {
        bar.close();
    }

    /** iomem {@code copyToIo}. */
    @Benchmark
    public void copyToIoJava() {
        bar.accessor.copyToIo(ram, ioOffset);
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
