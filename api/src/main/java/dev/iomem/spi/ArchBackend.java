package dev.iomem.spi;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;

import java.util.Set;

/**
 * An architecture backend, found by {@link java.util.ServiceLoader}. A backend must build its
 * accessor over <em>any</em> {@link IoBus} and <em>any</em> {@link Barriers}: that is how the
 * testkit drives every backend on simulated device memory, on any machine.
 *
 * <p>Implementations need a public no-argument constructor (or a public static
 * {@code provider()} method on the module path), must not touch native code in their
 * constructor, and must answer {@link #probe()} without throwing.
 */
public interface ArchBackend {

    /** {@return the backend's name, for example {@code "x86_64"}, {@code "aarch64"}, {@code "s390x"}} */
    String name();

    /** {@return the {@code os.arch} values this backend drives natively, for example {@code amd64} and {@code x86_64}} */
    Set<String> osArchNames();

    /** {@return the priority among available backends for the same {@code os.arch}; higher wins} */
    int priority();

    /** {@return whether this backend can drive real hardware in this JVM, and why} */
    Availability probe();

    /**
     * {@return the rules for the given memory type}
     *
     * @param type the memory type
     */
    AccessRules rules(MemoryType type);

    /**
     * {@return the native barriers of this architecture}
     *
     * @throws IllegalStateException if they cannot be used in this JVM (see {@link #probe()})
     */
    Barriers nativeBarriers();

    /**
     * Opens the native bus for a mapped window.
     *
     * @param region the mapped window
     * @return a bus whose accesses are this architecture's native device transactions
     * @throws IllegalStateException if the backend is not available in this JVM
     */
    IoBus openBus(MappedRegion region);

    /**
     * Builds an accessor over any bus and barriers: the native ones, or simulated ones.
     *
     * @param bus      the bus every access goes to
     * @param type     the memory type, which selects the rules
     * @param barriers the barriers ordered accesses use
     * @return an accessor of the whole bus window; closing it closes the bus
     */
    IoAccessor accessor(IoBus bus, MemoryType type, Barriers barriers);

    /**
     * Builds an accessor over a bus with explicit rules, for example rules narrowed by a
     * {@link dev.iomem.api.DeviceQuirk}.
     *
     * @param bus      the bus every access goes to
     * @param rules    the rules to enforce; they should be this backend's rules or narrower
     * @param barriers the barriers ordered accesses use
     * @return an accessor of the whole bus window; closing it closes the bus
     */
    IoAccessor accessor(IoBus bus, AccessRules rules, Barriers barriers);
}
