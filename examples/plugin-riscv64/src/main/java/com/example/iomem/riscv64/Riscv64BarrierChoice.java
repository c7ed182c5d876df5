package com.example.iomem.riscv64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.spi.Barriers;

import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which barriers the riscv64 backend uses in this JVM, and why: the native stubs where they can
 * be made, otherwise the degraded {@link JvmFenceBarriers}.
 *
 * @param barriers       the barriers to use
 * @param nativeOrdering whether they are the native {@code fence} stubs
 * @param reason         why, for {@link Riscv64Backend#probe()} and the warning log
 */
record Riscv64BarrierChoice(Barriers barriers, boolean nativeOrdering, String reason) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    Riscv64BarrierChoice {
        Objects.requireNonNull(barriers, "barriers");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Makes the native stubs if this is a riscv64 CPU and the kernel lets us, else degrades. On
     * any other CPU the stub factory is not even asked: riscv64 machine code must never run there.
     *
     * @param osArch  the {@code os.arch} of this JVM
     * @param riscv64 the {@code os.arch} names of riscv64
     * @param stubs   the native operations, asked for only on riscv64
     * @return the choice; never throws
     */
    static Riscv64BarrierChoice choose(String osArch, Set<String> riscv64, Supplier<? extends ExecutableStubs> stubs) {
        if (!riscv64.contains(osArch)) {
            return new Riscv64BarrierChoice(JvmFenceBarriers.INSTANCE, false,
                    "not a riscv64 CPU (os.arch " + osArch + "): the fence stubs are riscv64 machine code and are never made here");
        }
        try {
            return new Riscv64BarrierChoice(Riscv64Barriers.create(stubs.get()), true,
                    "fence i,ir / fence w,o / fence ow,ow from native stubs");
        } catch (RuntimeException e) {
            return new Riscv64BarrierChoice(JvmFenceBarriers.INSTANCE, false,
                    "the fence stubs could not be made: " + e.getMessage());
        }
    }
}
