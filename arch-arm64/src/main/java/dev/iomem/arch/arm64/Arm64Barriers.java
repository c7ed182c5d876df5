package dev.iomem.arch.arm64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.StubPage;
import dev.iomem.spi.Barriers;

import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The arm64 MMIO barriers as the kernel issues them, each a two-instruction machine-code stub
 * (the barrier, then {@code ret}) in an executable mapping, called through a
 * {@code Linker.Option.critical} downcall: {@code dmb oshld} after an ordered read,
 * {@code dmb oshst} before an ordered write, {@code dsb st} to flush.
 *
 * <p>A record so that the JIT trusts its fields as constants: when the barriers object is a
 * constant, each downcall is linked statically.
 *
 * <p>Built and verified (bytes, protection, calls) on x86-64 with the native pieces mocked; the
 * stubs themselves have not been executed on arm64 hardware.
 *
 * @param afterReadStub   the {@code dmb oshld; ret} downcall, of type {@code ()void}
 * @param beforeWriteStub the {@code dmb oshst; ret} downcall, of type {@code ()void}
 * @param flushWritesStub        the {@code dsb st; ret} downcall, of type {@code ()void}
 */
record Arm64Barriers(MethodHandle afterReadStub, MethodHandle beforeWriteStub,
                     MethodHandle flushWritesStub) implements Barriers {

    /** The length of the mapping that holds the three stubs: one page, the smallest mapping. */
    static final long CODE_BYTES = StubPage.BYTES;

    /** Offsets of the stubs in the mapping. */
    static final long AFTER_READ_AT = 0;
    static final long BEFORE_WRITE_AT = Arm64Instructions.STUB_BYTES;
    static final long FLUSH_AT = 2L * Arm64Instructions.STUB_BYTES;

    /**
     * Checks the handles.
     *
     * @throws NullPointerException if a handle is {@code null}
     */
    Arm64Barriers {
        Objects.requireNonNull(afterReadStub, "afterReadStub");
        Objects.requireNonNull(beforeWriteStub, "beforeWriteStub");
        Objects.requireNonNull(flushWritesStub, "flushWritesStub");
    }

    /**
     * Writes the three stubs into a fresh writable mapping, makes it read+execute (never both
     * writable and executable), and links a downcall to each. On failure the mapping is unmapped.
     *
     * @param stubs the native operations
     * @return the barriers
     * @throws IllegalStateException if the mapping or its protection change was refused
     */
    static Arm64Barriers create(ExecutableStubs stubs) {
        MethodHandle[] h = StubPage.link(stubs, Arm64Instructions.stub(Arm64Instructions.DMB_OSHLD),
                Arm64Instructions.stub(Arm64Instructions.DMB_OSHST), Arm64Instructions.stub(Arm64Instructions.DSB_ST));
        return new Arm64Barriers(h[0], h[1], h[2]);
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
        StubPage.run(stub, "an arm64 barrier stub");
    }

    @Override
    public String toString() {
        return "arm64 barriers: dmb oshld / dmb oshst / dsb st from native stubs";
    }
}
