package dev.iomem.arch.x86;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleBasedBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.util.Objects;
import java.util.Set;

/**
 * The x86-64 backend.
 *
 * <p>Rules, after {@code arch/x86/lib/iomem.c}: scalars of 1, 2, 4 and 8 bytes at any alignment
 * (the hardware tolerates unaligned UC accesses); copies and fills align the device side with
 * a 1-byte then a 2-byte access, move a body of 4-byte accesses (never 8, never SIMD, never
 * {@code rep movs}, after commit c228d294f204) and finish with a 2- then 1-byte tail, ascending.
 * The same rules hold for write-combining mappings: the kernel uses the same
 * {@code memcpy_toio} for {@code ioremap_wc}; only {@link #nativeBarriers()}'s flush differs in
 * effect.
 *
 * <p>Copies and fills over a mapped window run in {@link X86CopyRoutines}, machine code that
 * issues the same plan (a JVM loop of single accesses is several times slower), when they can
 * be made; otherwise in the accessor's Java loops. {@link #probe()} says which.
 *
 * <p>Every scalar is one instruction of its width at every JIT tier: aligned ones through
 * {@link MappedBus}'s plain accesses between compiler-only fences (an opaque store would be a
 * locked {@code xchg} in the interpreter, an opaque {@code long} a {@code vmovsd} in C1),
 * unaligned ones through {@link X86ScalarRoutines}, one
 * {@code mov} each. If those routines cannot be made, an unaligned scalar is a plain Java access,
 * which the interpreter and C1 split into byte or short accesses; {@link #probe()} says so.
 */
public final class X86Backend extends RuleBasedBackend {

    /** The backend's name. */
    public static final String NAME = "x86_64";

    private static final Set<String> ARCHES = Set.of("amd64", "x86_64");

    /** Creates the backend; touches no native code. */
    public X86Backend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> osArchNames() {
        return ARCHES;
    }

    @Override
    public int priority() {
        return 100;
    }

    /** On x86-64 with native access: UC/WC ordering needs no extra instructions; says whether the native routines run. */
    @Override
    protected Availability probeNative(String osArch) {
        return Availability.available("os.arch " + osArch + ", native access enabled; UC/WC ordering needs no extra instructions; "
                + copies() + "; " + unalignedScalars());
    }

    /** {@return whether copies and fills run natively or in Java, and why} */
    private static String copies() {
        return X86CopyRoutines.isAvailable()
                ? "copies and fills run in native x86-64 routines (one mov per planned access)"
                : "copies and fills run as Java loops (native copy routines unavailable: "
                        + X86CopyRoutines.unavailabilityCause() + ")";
    }

    /** {@return whether unaligned scalars run natively or as split-prone Java accesses, and why} */
    private static String unalignedScalars() {
        return X86ScalarRoutines.isAvailable()
                ? "unaligned scalars run in native x86-64 routines (one mov each, at every JIT tier)"
                : "unaligned scalars are plain Java accesses, split into byte or short accesses until C2 compiles"
                        + " them (native scalar routines unavailable: " + X86ScalarRoutines.unavailabilityCause() + ")";
    }

    @Override
    public AccessRules rules(MemoryType type) {
        return AccessRules.builder(NAME, Objects.requireNonNull(type, "type"))
                .naturalAlignment(false)
                .copy(CopyAlgorithm.X86)
                .build();
    }

    @Override
    public Barriers nativeBarriers() {
        return X86Barriers.INSTANCE;
    }

    /** {@return a {@link MappedBus} with the native copy and unaligned-scalar routines where they could be made} */
    @Override
    protected IoBus openNativeBus(MappedRegion region) {
        return new MappedBus(region, X86CopyRoutines.isAvailable() ? X86CopyRoutines.INSTANCE : null,
                X86ScalarRoutines.isAvailable() ? X86ScalarRoutines.INSTANCE : null);
    }
}
