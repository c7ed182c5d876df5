package dev.iomem.arch.arm64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.spi.Barriers;

import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which barriers the arm64 backend uses in this JVM, and why: the native stubs where they can be
 * made, otherwise the degraded {@link InnerShareableBarriers}.
 *
 * @param barriers       the barriers to use
 * @param nativeOrdering whether they are the native {@code dmb osh*} / {@code dsb st} stubs
 * @param reason         why, for {@link Arm64Backend#probe()} and the warning log
 */
record Arm64BarrierChoice(Barriers barriers, boolean nativeOrdering, String reason) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    Arm64BarrierChoice {
        Objects.requireNonNull(barriers, "barriers");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Makes the native stubs if this is an arm64 CPU and the kernel lets us, else degrades. On any
     * other CPU the stub factory is not even asked: arm64 machine code must never run there.
     *
     * @param osArch  the {@code os.arch} of this JVM
     * @param arm64   the {@code os.arch} names of arm64
     * @param stubs   the native operations, asked for only on arm64
     * @return the choice; never throws
     */
    static Arm64BarrierChoice choose(String osArch, Set<String> arm64, Supplier<? extends ExecutableStubs> stubs) {
        if (!arm64.contains(osArch)) {
            return new Arm64BarrierChoice(InnerShareableBarriers.INSTANCE, false,
                    "not an arm64 CPU (os.arch " + osArch + "): the dmb osh*/dsb st stubs are arm64 machine code and are never made here");
        }
        try {
            return new Arm64BarrierChoice(Arm64Barriers.create(stubs.get()), true,
                    "dmb oshld / dmb oshst / dsb st from native stubs");
        } catch (RuntimeException e) {
            return new Arm64BarrierChoice(InnerShareableBarriers.INSTANCE, false,
                    "the barrier stubs could not be made: " + e.getMessage());
        }
    }
}
