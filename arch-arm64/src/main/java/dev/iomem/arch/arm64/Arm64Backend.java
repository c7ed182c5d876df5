package dev.iomem.arch.arm64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.NativeExecutableStubs;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The arm64 (aarch64) backend.
 *
 * <p>Rules, after {@code lib/iomem_copy.c} and {@code arch/arm64/include/asm/io.h}: every access
 * naturally aligned (Device-nGnRE raises an alignment fault, SIGBUS, otherwise); copies and fills
 * use single bytes until the device side is 8-aligned, an 8-byte body, then a byte tail.
 * Ordered reads are followed by {@code dmb oshld}, ordered writes preceded by {@code dmb oshst},
 * and a flush is {@code dsb st}.
 *
 * <p>The JVM cannot emit these barriers (its fences are {@code dmb ish*}), so this backend writes
 * each into a two-instruction machine-code stub ({@link Arm64Instructions}) in an anonymous
 * mapping that is made read+execute, and calls it through a {@code Linker.Option.critical}
 * downcall. Where the stubs cannot be made, because this is not an arm64 CPU or because a W^X
 * policy refuses executable anonymous memory, {@link #nativeBarriers()} returns the JVM's
 * inner-shareable fences instead, logs a warning, and {@link #probe()} says that <b>ordering is
 * degraded</b> and why (see {@link InnerShareableBarriers} for what that loses).
 *
 * <p>The stubs have been built and checked (encodings, bytes written, {@code mprotect} to
 * read+execute, one call per barrier) on x86-64 only; they have not run on arm64 hardware.
 *
 * <p>Write-combining windows ({@code resourceN_wc}, Normal-NC) get the same rules. Normal-NC
 * would tolerate unaligned accesses, but a KVM guest's MMIO emulation decodes only single
 * loads and stores with a valid syndrome (no pairs, no post-index forms), and the kernel's
 * {@code memcpy_toio} uses the same aligned sequence for {@code ioremap_wc}; the only
 * difference that matters is the flush, {@code dsb st}, which {@code flushWrites} issues.
 */
public final class Arm64Backend extends RuleBasedBackend {

    /** The backend's name. */
    public static final String NAME = "aarch64";

    private static final Set<String> ARCHES = Set.of("aarch64", "arm64");

    private static final System.Logger LOG = System.getLogger(Arm64Backend.class.getName());

    private final String osArch;
    private final Supplier<Arm64BarrierChoice> barrierChoice;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Creates the backend; touches no native code (the stubs are made on first use, once per JVM). */
    public Arm64Backend() {
        this.osArch = System.getProperty("os.arch", "unknown");
        this.barrierChoice = () -> JvmBarrierChoice.CHOICE;
    }

    /**
     * Creates a backend for the given {@code os.arch} with its own stub factory, for tests.
     *
     * @param osArch the {@code os.arch} to behave as
     * @param stubs  the native operations that make the stubs; asked for only on arm64
     */
    Arm64Backend(String osArch, Supplier<? extends ExecutableStubs> stubs) {
        this.osArch = Objects.requireNonNull(osArch, "osArch");
        Objects.requireNonNull(stubs, "stubs");
        Arm64BarrierChoice[] once = new Arm64BarrierChoice[1];
        this.barrierChoice = () -> {
            synchronized (once) {
                if (once[0] == null) {
                    once[0] = Arm64BarrierChoice.choose(osArch, ARCHES, stubs);
                }
                return once[0];
            }
        };
    }

    /** The choice for this JVM, made once: the stubs' page is never unmapped while they may run. */
    private static final class JvmBarrierChoice {
        static final Arm64BarrierChoice CHOICE = Arm64BarrierChoice.choose(
                System.getProperty("os.arch", "unknown"), ARCHES, NativeExecutableStubs::new);
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

    @Override
    protected String osArch() {
        return osArch;
    }

    /** Available with the native stubs; degraded, with the cause, where only the JVM's fences can be used. */
    @Override
    protected Availability probeNative(String arch) {
        Arm64BarrierChoice choice = barrierChoice.get();
        if (choice.nativeOrdering()) {
            return Availability.available("os.arch " + arch + ", native access enabled; " + choice.reason());
        }
        return Availability.degraded("os.arch " + arch + ", native access enabled; ORDERING DEGRADED: " + choice.reason()
                + "; ordered accesses and flushes use the JVM's inner-shareable fences (dmb ish*), not dmb oshld/oshst and dsb st",
                "ordering: " + choice.reason() + "; the JVM's inner-shareable fences (dmb ish*) stand in for dmb oshld/oshst and dsb st");
    }

    /**
     * {@return whether ordered accesses and flushes use the native {@code dmb osh*} / {@code dsb st}
     * stubs in this JVM} {@code false} means ordering is degraded (see {@link #probe()}).
     */
    public boolean nativeOrdering() {
        return barrierChoice.get().nativeOrdering();
    }

    @Override
    public AccessRules rules(MemoryType type) {
        return AccessRules.builder(NAME, Objects.requireNonNull(type, "type"))
                .naturalAlignment(true)
                .copy(CopyAlgorithm.GENERIC)
                .build();
    }

    /**
     * {@return the arm64 barriers of this JVM}: {@code dmb oshld}, {@code dmb oshst} and
     * {@code dsb st} from native stubs where they can be made, otherwise the JVM's
     * inner-shareable fences, with a warning logged once (ordering is degraded; see
     * {@link #probe()}). Never throws.
     */
    @Override
    public Barriers nativeBarriers() {
        Arm64BarrierChoice choice = barrierChoice.get();
        if (!choice.nativeOrdering() && warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "arm64 MMIO ordering is degraded: {0}; using the JVM''s inner-shareable fences (dmb ish*)",
                    choice.reason());
        }
        return choice.barriers();
    }

    /**
     * {@return a {@link MappedBus} over the window}: one opaque little-endian access per
     * transaction, which on aarch64 is a single {@code ldr}/{@code str} of the access's width,
     * never paired or merged. The rules make every access naturally aligned before it gets there.
     */
    @Override
    protected IoBus openNativeBus(MappedRegion region) {
        return new MappedBus(region);
    }
}
