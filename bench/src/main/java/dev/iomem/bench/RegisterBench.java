package dev.iomem.bench;

import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.regs.Register;
import dev.iomem.core.regs.RegisterBlock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * B7 (issue 17): a relaxed 32-bit read of a register through a bound register handle
 * ({@code dev.iomem.core.regs.Register}) held in a {@code static final} field and in an instance
 * field, against a raw opaque VarHandle read of the same segment and against the same read through
 * a one-field holder object ({@link RegisterHolder}). Targets: static handle / raw &lt;= 1.05;
 * instance handle / holder &lt;= 1.00; no allocation per access.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegisterBench {

    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final long REG = 0x40;
    private static final RegisterLayout LAYOUT = RegisterLayout.builder("bench")
            .register("STATUS", REG, 32, AccessKind.READ_WRITE, f -> f.flag("READY", 0))
            .build();
    /** Never closed: one per fork, released when the fork exits. */
    private static final SimulatedBar BAR = new SimulatedBar(4096);
    private static final Register STATIC_REG = RegisterBlock.bind(LAYOUT, BAR.accessor).register("STATUS");

    private MemorySegment segment;
    private Register register;
    private RegisterHolder holder;

    /** Binds the instance handle over the same BAR as the static one. */
    @Setup(Level.Trial)
    public void open() {
        segment = BAR.memory;
        register = RegisterBlock.bind(LAYOUT, BAR.accessor).register("STATUS");
        holder = RegisterHolder.of(segment);
    }

    /** @return the register, through the handle in a static final field, without barriers */
    @Benchmark
    public long staticReadRelaxed() {
        return STATIC_REG.readRelaxed();
    }

    /** @return the register, through the handle in an instance field, without barriers */
    @Benchmark
    public long instanceReadRelaxed() {
        return register.readRelaxed();
    }

    /** @return the register, raw opaque, zero-extended as the handle returns it */
    @Benchmark
    public long rawGetOpaque() {
        return (int) INT.getOpaque(segment, REG) & 0xffff_ffffL;
    }

    /** @return the register, raw opaque through a one-field holder object */
    @Benchmark
    public long holderGetOpaque() {
        return holder.read32(REG) & 0xffff_ffffL;
    }
}
