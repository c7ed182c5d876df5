package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.util.Objects;


/**
 * A base for backends that are declarative: they state their {@link AccessRules} and native
 * mechanism, and the rule-driven accessor of this package does every access the rules allow.
 * Plugin authors extend this and implement the describing methods, {@link #rules(MemoryType)},
 * {@link #nativeBarriers()} and {@link #openBus(dev.iomem.spi.MappedRegion)}.
 */
public abstract class RuleBasedBackend implements ArchBackend {

    /** For subclasses. */
    protected RuleBasedBackend() {
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
