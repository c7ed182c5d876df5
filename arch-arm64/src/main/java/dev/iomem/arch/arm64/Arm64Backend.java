package dev.iomem.arch.arm64;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.CopyStyle;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.core.NativeAccess;
import dev.iomem.core.access.RuleBasedBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.util.Objects;
import java.util.Set;

/**
 * The arm64 (aarch64) backend.
 *
 * <p>Rules, after {@code lib/iomem_copy.c} and {@code arch/arm64/include/asm/io.h}: every access
 * naturally aligned (Device-nGnRE raises an alignment fault, SIGBUS, otherwise); copies and fills
 * use single bytes until the device side is 8-aligned, an 8-byte body, then a byte tail.
 * Ordered reads are followed by {@code dmb oshld}, ordered writes preceded by {@code dmb oshst},
 * and a flush is {@code dsb st}.
 */
public final class Arm64Backend extends RuleBasedBackend {

    /** The backend's name. */
    public static final String NAME = "aarch64";

    private static final Set<String> ARCHES = Set.of("aarch64", "arm64");

    /** Creates the backend; touches no native code. */
    public Arm64Backend() {
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
    public Availability probe() {
        String arch = System.getProperty("os.arch", "unknown");
        if (!ARCHES.contains(arch)) {
            return Availability.unavailable("os.arch is " + arch + ", not aarch64");
        }
        if (!NativeAccess.enabledFor(Arm64Backend.class, RuleBasedBackend.class)) {
            return Availability.unavailable("native access is not enabled: run with " + NativeAccess.flagFor(Arm64Backend.class));
        }
        return Availability.available("os.arch " + arch + ", native access enabled");
    }

    @Override
    public AccessRules rules(MemoryType type) {
        return AccessRules.builder(NAME, Objects.requireNonNull(type, "type"))
                .naturalAlignment(true)
                .copy(CopyStyle.BYTE_EDGES, Width.LONG)
                .build();
    }

    @Override
    public Barriers nativeBarriers() {
        throw new UnsupportedOperationException("arm64 barriers are not built yet (issue 3)");
    }

    @Override
    public IoBus openBus(MappedRegion region) {
        throw new UnsupportedOperationException("the mapped bus is not built yet (issue 3)");
    }
}
