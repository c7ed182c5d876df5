package dev.iomem.core;

import dev.iomem.api.AccessRules;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.util.List;
import java.util.Objects;

/**
 * The chosen backend, why it was chosen, and the way to open BAR windows through it.
 */
public final class IoPlatform {

    private final BackendCandidate chosen;
    private final String reason;
    private final BackendDiscovery discovery;

    IoPlatform(BackendCandidate chosen, String reason, BackendDiscovery discovery) {
        this.chosen = chosen;
        this.reason = reason;
        this.discovery = discovery;
    }

    /**
     * {@return a platform for a backend chosen by other means, for example a Guice binding}
     *
     * @param backend the backend
     * @param reason  why it was chosen
     */
    public static IoPlatform of(ArchBackend backend, String reason) {
        BackendCandidate c = BackendDiscovery.describe(Objects.requireNonNull(backend, "backend"));
        return new IoPlatform(c, Objects.requireNonNull(reason, "reason"), BackendDiscovery.of(List.of(c), System.getProperty("os.arch", "unknown")));
    }

    /** {@return the chosen backend} */
    public ArchBackend backend() {
        return chosen.backend().orElseThrow();
    }

    /** {@return the chosen backend as discovery described it} */
    public BackendCandidate candidate() {
        return chosen;
    }

    /** {@return why this backend was chosen} */
    public String reason() {
        return reason;
    }

    /** {@return whether the chosen backend can drive real hardware in this JVM} */
    public boolean isNative() {
        return chosen.available();
    }

    /** {@return every candidate that was considered} */
    public List<BackendCandidate> candidates() {
        return discovery.candidates();
    }

    /** {@return the {@code os.arch} of this JVM} */
    public String osArch() {
        return discovery.osArch();
    }

    /**
     * {@return the chosen backend's rules for a memory type}
     *
     * @param type the memory type
     */
    public AccessRules rules(MemoryType type) {
        return backend().rules(type);
    }

    /**
     * Opens an accessor over a mapped BAR window through the backend's native bus and barriers.
     *
     * @param region the mapped window
     * @param quirks device quirks that narrow the backend's rules
     * @return the accessor; closing it closes the bus (the mapping's arena stays the caller's)
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalStateException    if the backend is not available natively in this JVM
     * @throws IllegalArgumentException if a quirk would widen the rules
     */
    public IoAccessor open(MappedRegion region, DeviceQuirk... quirks) {
        Objects.requireNonNull(region, "region");
        if (!isNative()) {
            throw new IllegalStateException("backend " + chosen.name() + " cannot open " + region.description()
                    + " natively: " + chosen.availability().reason());
        }
        ArchBackend backend = backend();
        AccessRules rules = backend.rules(region.memoryType());
        for (DeviceQuirk q : quirks) {
            rules = rules.withQuirk(q);
        }
        IoBus bus = backend.openBus(region);
        try {
            return backend.accessor(bus, rules, backend.nativeBarriers());
        } catch (RuntimeException | Error e) {
            bus.close();
            throw e;
        }
    }

    /**
     * Opens an accessor over a bus someone else made (a VFIO region's {@code pread}/{@code pwrite}
     * bus, for example), with the backend's rules for {@code type} and its native barriers: every
     * rule of the backend holds over that bus too. Where the rules use block stores and the bus has
     * none, they are narrowed to scalar copies.
     *
     * @param bus    the bus; the accessor closes it
     * @param type   the memory type whose rules apply
     * @param quirks device quirks that narrow the backend's rules
     * @return the accessor
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalStateException    if the backend is not available natively in this JVM
     * @throws IllegalArgumentException if a quirk would widen the rules
     */
    public IoAccessor open(IoBus bus, MemoryType type, DeviceQuirk... quirks) {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(type, "type");
        if (!isNative()) {
            throw new IllegalStateException("backend " + chosen.name() + " cannot drive a bus natively: "
                    + chosen.availability().reason());
        }
        ArchBackend backend = backend();
        AccessRules rules = backend.rules(type);
        for (DeviceQuirk q : quirks) {
            rules = rules.withQuirk(q);
        }
        if (rules.blockStore().isPresent() && bus.blockStoreLimit() == 0) {
            // A bus without block stores (pread/pwrite) keeps every other rule: copies go as scalars.
            rules = rules.withQuirk(new DeviceQuirk("no block store on this bus", rules.scalarWidths(), rules.maxCopyWidth(), false));
        }
        return backend.accessor(bus, rules, backend.nativeBarriers());
    }
}
