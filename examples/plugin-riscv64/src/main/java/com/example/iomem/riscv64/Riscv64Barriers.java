package com.example.iomem.riscv64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.StubPage;
import dev.iomem.spi.Barriers;

import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The riscv64 MMIO barriers as the kernel issues them, each a two-instruction machine-code stub
 * (the fence, then {@code ret}) in an executable mapping, called through a
 * {@code Linker.Option.critical} downcall: {@code fence i,ir} after an ordered read,
 * {@code fence w,o} before an ordered write, {@code fence ow,ow} to flush.
 *
 * <p>A record so that the JIT trusts its fields as constants: when the barriers object is a
 * constant, each downcall is linked statically.
 *
 * <p>Built and verified (bytes, step order, calls) on x86-64 with the native pieces mocked; the
 * stubs themselves have not been executed on riscv64 hardware.
 *
 * @param afterReadStub   the {@code fence i,ir; ret} downcall, of type {@code ()void}
 * @param beforeWriteStub the {@code fence w,o; ret} downcall, of type {@code ()void}
 * @param flushWritesStub        the {@code fence ow,ow; ret} downcall, of type {@code ()void}
 */
record Riscv64Barriers(MethodHandle afterReadStub, MethodHandle beforeWriteStub,
                       MethodHandle flushWritesStub) implements Barriers {

    /** The length of the mapping that holds the three stubs: one page, the smallest mapping. */
    static final long CODE_BYTES = StubPage.BYTES;

    /** Offset of the {@code fence i,ir} stub in the mapping. */
    static final long AFTER_READ_AT = 0;
    /** Offset of the {@code fence w,o} stub in the mapping. */
    static final long BEFORE_WRITE_AT = RiscvInstructions.STUB_BYTES;
    /** Offset of the {@code fence ow,ow} stub in the mapping. */
    static final long FLUSH_AT = 2L * RiscvInstructions.STUB_BYTES;

    /**
     * Checks the handles.
     *
     * @throws NullPointerException if a handle is {@code null}
     */
    Riscv64Barriers {
        Objects.requireNonNull(afterReadStub, "afterReadStub");
        Objects.requireNonNull(beforeWriteStub, "beforeWriteStub");
        Objects.requireNonNull(flushWritesStub, "flushWritesStub");
    }

    /**
     * Writes the three stubs into a fresh writable mapping, makes it read+execute (never both
     * writable and executable), synchronises the instruction cache, and links a downcall to each.
     * On failure the mapping is unmapped.
     *
     * @param stubs the native operations
     * @return the barriers
     * @throws IllegalStateException if the mapping, its protection change or the instruction-cache
     *                               synchronisation was refused
     */
    static Riscv64Barriers create(ExecutableStubs stubs) {
        MethodHandle[] h = StubPage.link(stubs, RiscvInstructions.stub(RiscvInstructions.FENCE_I_IR),
                RiscvInstructions.stub(RiscvInstructions.FENCE_W_O), RiscvInstructions.stub(RiscvInstructions.FENCE_OW_OW));
        return new Riscv64Barriers(h[0], h[1], h[2]);
    }


    @Override
    public void beforeWrite() {
        call(beforeWriteStub);
    }

    @Override
    public void afterRead(long value) {
        call(afterReadStub);
    }

    @Override
    public void flushWrites() {
        call(flushWritesStub);
    }

    private static void call(MethodHandle stub) {
        StubPage.run(stub, "a riscv64 fence stub");
    }

    @Override
    public String toString() {
        return "riscv64 barriers: fence i,ir / fence w,o / fence ow,ow from native stubs";
    }
}
