package dev.iomem.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.iomem.api.IoAccessor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * B1: one 32-bit register access through {@code IoAccessor} on {@code MappedBus}, against a raw
 * VarHandle access of the same access mode on the same segment. Target: accessor / raw &lt;= 1.10.
 * For context, the same raw access through a one-field holder object ({@link RegisterHolder}):
 * the cost of any API object, which the accessor cannot go below.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScalarBench {

    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final long REG = 0x40;

    private SimulatedBar bar;
    // Both sides hold what they access directly: the accessor, and the raw segment.
    private IoAccessor accessor;
    private MemorySegment segment;
    private RegisterHolder holder;
    private int value;

    /** Opens the simulated BAR. */
    @Setup(Level.Trial)
    public void open() {
        bar = new SimulatedBar(4096);
        accessor = bar.accessor;
        segment = bar.memory;
        holder = RegisterHolder.of(segment);
    }

    /** Closes it. */
    @TearDown(Level.Trial)
    public void close() {
        bar.close();
    }

    /** @return the register, through the accessor without barriers */
    @Benchmark
    public int read32Relaxed() {
        return accessor.read32Relaxed(REG);
    }

    /** @return the register, raw opaque */
    @Benchmark
    public int rawGetOpaque() {
        return (int) INT.getOpaque(segment, REG);
    }

    /** Writes the register through the accessor without barriers. */
    @Benchmark
    public void write32Relaxed() {
        accessor.write32Relaxed(REG, value++);
    }

    /** Writes the register, raw opaque. */
    @Benchmark
    public void rawSetOpaque() {
        INT.setOpaque(segment, REG, value++);
    }

    /** @return the register, raw opaque through a one-field holder object: B1's floor (context) */
    @Benchmark
    public int holderGetOpaque() {
        return holder.read32(REG);
    }

    /** Writes the register, raw opaque through a one-field holder object: B1's floor (context). */
    @Benchmark
    public void holderSetOpaque() {
        holder.write32(REG, value++);
    }

    /** @return the register, through the accessor with x86's ordered-read barrier */
    @Benchmark
    public int read32() {
        return accessor.read32(REG);
    }

    /** @return the register, raw acquire */
    @Benchmark
    public int rawGetAcquire() {
        return (int) INT.getAcquire(segment, REG);
    }

    /** Writes the register through the accessor with x86's ordered-write barrier. */
    @Benchmark
    public void write32() {
        accessor.write32(REG, value++);
    }

    /** Writes the register, raw release. */
    @Benchmark
    public void rawSetRelease() {
        INT.setRelease(segment, REG, value++);
    }
}
