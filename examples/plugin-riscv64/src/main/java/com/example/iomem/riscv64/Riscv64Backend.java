package com.example.iomem.riscv64;

import dev.iomem.core.stubs.ExecutableStubs;
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
 * The riscv64 backend, an out-of-tree iomem plugin.
 *
 * <p>Rules, after {@code arch/riscv/include/asm/mmio.h} and {@code lib/iomem_copy.c}: scalar
 * accesses of 1, 2, 4 and 8 bytes ({@code lb/lh/lw/ld}, {@code sb/sh/sw/sd}), each naturally
 * aligned (a misaligned access to an I/O region may raise an access fault, or be split or
 * emulated by a trap handler: never one device transaction); copies and fills use single bytes
 * until the device side is 8-aligned, an 8-byte body, then a byte tail. Ordered reads are followed
 * by {@code fence i,ir} ({@code __io_ar}), ordered writes preceded by {@code fence w,o}
 * ({@code __io_bw}), and a flush is {@code wmb()}, {@code fence ow,ow}, which contains
 * {@code mmiowb()}'s {@code fence o,w}. No atomic read-modify-write is ever issued to the
 * mapping: I/O regions need not support AMOs or LR/SC, and the accessor has none.
 *
 * <p>The JVM cannot be told to emit these exact fences, so this backend writes each into a
 * two-instruction machine-code stub ({@link RiscvInstructions}) in an anonymous mapping that is
 * made read+execute, flushes the instruction cache with {@code riscv_flush_icache}, and calls the
 * stub through a {@code Linker.Option.critical} downcall. Where the stubs cannot be made, because
 * this is not a riscv64 CPU or because a W^X policy refuses executable anonymous memory,
 * {@link #nativeBarriers()} returns the JVM's fences instead, logs a warning, and
 * {@link #probe()} says that <b>ordering is degraded</b> and why (see {@link JvmFenceBarriers}).
 *
 * <p>The stubs have been built and checked (encodings, bytes written, order of the steps, one
 * call per barrier) on x86-64 only; nothing here has run on riscv64 hardware.
 */
public final class Riscv64Backend extends RuleBasedBackend {

    /** The backend's name. */
    public static final String NAME = "riscv64";

    /** The {@code os.arch} values of riscv64 JVMs. */
    static final Set<String> OS_ARCH_NAMES = Set.of("riscv64");

    private static final System.Logger LOG = System.getLogger(Riscv64Backend.class.getName());

    private final String osArch;
    private final Supplier<Riscv64BarrierChoice> barrierChoice;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Creates the backend; touches no native code (the stubs are made on first use, once per JVM). */
    public Riscv64Backend() {
        this.osArch = System.getProperty("os.arch", "unknown");
        this.barrierChoice = () -> JvmBarrierChoice.CHOICE;
    }

    /**
     * Creates a backend for the given {@code os.arch} with its own stub factory, for tests.
     *
     * @param osArch the {@code os.arch} to behave as
     * @param stubs  the native operations that make the stubs; asked for only on riscv64
     */
    Riscv64Backend(String osArch, Supplier<? extends ExecutableStubs> stubs) {
        this.osArch = Objects.requireNonNull(osArch, "osArch");
        Objects.requireNonNull(stubs, "stubs");
        Riscv64BarrierChoice[] once = new Riscv64BarrierChoice[1];
        this.barrierChoice = () -> {
            synchronized (once) {
                if (once[0] == null) {
                    once[0] = Riscv64BarrierChoice.choose(osArch, OS_ARCH_NAMES, stubs);
                }
                return once[0];
            }
        };
    }

    /** The choice for this JVM, made once: the stubs' page is never unmapped while they may run. */
    private static final class JvmBarrierChoice {
        static final Riscv64BarrierChoice CHOICE = Riscv64BarrierChoice.choose(
                System.getProperty("os.arch", "unknown"), OS_ARCH_NAMES, RiscvExecutableStubs::new);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> osArchNames() {
        return OS_ARCH_NAMES;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    protected String osArch() {
        return osArch;
    }

    /**
     * {@return on riscv64 with native access (the template checked both): available, or degraded
     * with the cause when the fence stubs could not be made} Never throws.
     */
    @Override
    protected Availability probeNative(String arch) {
        Riscv64BarrierChoice choice = barrierChoice.get();
        if (choice.nativeOrdering()) {
            return Availability.available("os.arch " + arch + ", native access enabled; " + choice.reason());
        }
        return Availability.degraded("os.arch " + arch + ", native access enabled; ORDERING DEGRADED: " + choice.reason()
                + "; ordered accesses and flushes use the JVM's fences, whose device (I/O) bits are not guaranteed",
                "ordering: " + choice.reason() + "; the JVM's fences stand in for fence i,ir / fence w,o / fence ow,ow");
    }

    /**
     * {@return whether ordered accesses and flushes use the native {@code fence} stubs in this JVM}
     * {@code false} means ordering is degraded (see {@link #probe()}).
     */
    public boolean nativeOrdering() {
        return barrierChoice.get().nativeOrdering();
    }

    @Override
    public AccessRules rules(MemoryType type) {
        // The same rules for both memory types: lib/iomem_copy.c and mmio.h do not tell them
        // apart, and an I/O region may fault on a misaligned access whatever its cacheability.
        return AccessRules.builder(NAME, Objects.requireNonNull(type, "type"))
                .naturalAlignment(true)
                .copy(CopyAlgorithm.GENERIC)
                .build();
    }

    /**
     * {@return the riscv64 barriers of this JVM}: {@code fence i,ir}, {@code fence w,o} and
     * {@code fence ow,ow} from native stubs where they can be made, otherwise the JVM's fences,
     * with a warning logged once (ordering is degraded; see {@link #probe()}). Never throws.
     */
    @Override
    public Barriers nativeBarriers() {
        Riscv64BarrierChoice choice = barrierChoice.get();
        if (!choice.nativeOrdering() && warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "riscv64 MMIO ordering is degraded: {0}; using the JVM''s fences", choice.reason());
        }
        return choice.barriers();
    }

    /**
     * {@return a {@link MappedBus} over the window}: one opaque little-endian access per
     * transaction, which on riscv64 is a single load or store of the access's width, never merged
     * or split. The rules make every access naturally aligned before it gets there.
     */
    @Override
    protected IoBus openNativeBus(MappedRegion region) {
        return new MappedBus(region);
    }
}
