package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleBasedBackend;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;

import java.lang.invoke.VarHandle;
import java.util.Set;

/**
 * A ppc64le backend written as the plugin guide says, on core's RuleBasedBackend: powerpc's
 * kernel rules stated exactly (arch/powerpc/kernel/io.c copies with sync around and eieio after
 * each load, relaxed accesses ordered, the value-dependent hook after a read) pass the kit.
 */
@DisplayName("The kit passes a RuleBasedBackend that states powerpc's kernel rules")
class RuleBasedPowerpcConformanceTest extends ArchBackendConformance {

    /** The JVM's fences in place of sync, twi;isync and eieio: only the hook placement is under test here. */
    enum PowerpcHooks implements Barriers {
        INSTANCE;

        @Override public void beforeRead() { VarHandle.fullFence(); }              // sync
        @Override public void afterRead(long value) { VarHandle.acquireFence(); }  // twi 0,v,0; isync
        @Override public void beforeWrite() { VarHandle.fullFence(); }             // sync
        @Override public void flushWrites() { VarHandle.fullFence(); }             // sync
        @Override public void beforeCopy() { VarHandle.fullFence(); }              // sync
        @Override public void afterCopy() { VarHandle.fullFence(); }               // sync
        @Override public void afterCopyLoad() { VarHandle.fullFence(); }           // eieio
    }

    static final class Ppc64leBackend extends RuleBasedBackend {
        @Override public String name() { return "ppc64le"; }
        @Override public Set<String> osArchNames() { return Set.of("ppc64le"); }
        @Override public int priority() { return 100; }

        @Override
        public AccessRules rules(MemoryType type) {
            return AccessRules.builder("ppc64le", type).naturalAlignment(true).copy(CopyAlgorithm.POWERPC)
                    .relaxedOrdering(RelaxedOrdering.ORDERED).build();
        }

        @Override public Barriers nativeBarriers() { return PowerpcHooks.INSTANCE; }
        @Override protected Availability probeNative(String osArch) { return Availability.degraded("JVM fences", "ordering: JVM fences"); }
        @Override protected IoBus openNativeBus(MappedRegion region) { return new MappedBus(region); }
    }

    @Override
    protected ArchBackend backend() {
        return new Ppc64leBackend();
    }
}
