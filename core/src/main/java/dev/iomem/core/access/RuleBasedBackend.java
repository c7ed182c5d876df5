package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.core.NativeAccess;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.util.Objects;

/**
 * The template of a declarative backend: it states its {@link AccessRules}, its
 * {@link Barriers} and its native mechanism, and this class does the rest the same way for every
 * architecture. {@link #probe()} and {@link #openBus(MappedRegion)} are final: {@code probe}
 * checks {@code os.arch} against {@link #osArchNames()} and native access for the backend's
 * module and {@code dev.iomem.core}, then asks {@link #probeNative(String)}; {@code openBus}
 * refuses unless {@code probe} says available, then asks {@link #openNativeBus(MappedRegion)}.
 * Every accessor is the rule-driven accessor of this package.
 *
 * {@snippet :
 * public final class Ppc64leBackend extends RuleBasedBackend {
 *     public String name() { return "ppc64le"; }
 *     public Set<String> osArchNames() { return Set.of("ppc64le"); }
 *     public int priority() { return 100; }
 *     public AccessRules rules(MemoryType type) {
 *         return AccessRules.builder("ppc64le", type).copy(CopyAlgorithm.POWERPC)
 *                 .relaxedOrdering(RelaxedOrdering.ORDERED).build();
 *     }
 *     public Barriers nativeBarriers() { return PowerpcBarriers.INSTANCE; }
 *     protected Availability probeNative(String osArch) { return Availability.available("sync/twi;isync stubs made"); }
 *     protected IoBus openNativeBus(MappedRegion region) { return new MappedBus(region); }
 * }
 * }
 */
public abstract class RuleBasedBackend implements ArchBackend {

    /** For subclasses. */
    protected RuleBasedBackend() {
    }

    /**
     * {@return the {@code os.arch} this backend runs on} By default the JVM's; a backend may take
     * another in a constructor for its tests.
     */
    protected String osArch() {
        return System.getProperty("os.arch", "unknown");
    }

    /**
     * The architecture's own part of {@link #probe()}, asked only on one of
     * {@link #osArchNames()} with native access enabled: whether the native mechanism (stubs,
     * routines, system calls, devices) is there. Must not throw; a {@link RuntimeException} is
     * reported as unavailability.
     *
     * @param osArch the {@code os.arch}, one of {@link #osArchNames()}
     * @return available (possibly degraded, with the cause) or not, and why
     */
    protected abstract Availability probeNative(String osArch);

    /**
     * The architecture's bus over a mapped window, asked only when {@link #probe()} says
     * available.
     *
     * @param region the mapped window, not {@code null}
     * @return a bus whose accesses are this architecture's native device transactions
     */
    protected abstract IoBus openNativeBus(MappedRegion region);

    /**
     * {@inheritDoc}
     *
     * <p>Unavailable off {@link #osArchNames()} and without native access (the message names the
     * {@code --enable-native-access} flag for every module that needs it); otherwise what
     * {@link #probeNative(String)} says.
     */
    @Override
    public final Availability probe() {
        String arch = osArch();
        if (!osArchNames().contains(arch)) {
            return Availability.unavailable("os.arch is " + arch + ", not " + name());
        }
        if (!NativeAccess.enabledFor(getClass(), RuleBasedBackend.class)) {
            return Availability.unavailable("native access is not enabled: run with " + NativeAccess.flagFor(getClass(), RuleBasedBackend.class));
        }
        try {
            return Objects.requireNonNull(probeNative(arch), "probeNative returned null");
        } catch (RuntimeException e) {
            return Availability.unavailable(name() + " probe failed: " + e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException  if {@code region} is {@code null}
     * @throws IllegalStateException if {@link #probe()} does not say available; the message has its reason
     */
    @Override
    public final IoBus openBus(MappedRegion region) {
        Objects.requireNonNull(region, "region");
        Availability a = probe();
        if (!a.available()) {
            throw new IllegalStateException(name() + " backend cannot open " + region.description() + ": " + a.reason());
        }
        return openNativeBus(region);
    }

    @Override
    public final IoAccessor accessor(IoBus bus, MemoryType type, Barriers barriers) {
        return accessor(bus, rules(Objects.requireNonNull(type, "type")), barriers);
    }

    @Override
    public final IoAccessor accessor(IoBus bus, AccessRules rules, Barriers barriers) {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(rules, "rules");
        return RuleDrivenAccessor.over(bus, rules, barriers);
    }

    @Override
    public String toString() {
        return name();
    }
}
