package dev.iomem.arch.x86;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.ArchBackendConformance;
import org.junit.jupiter.api.DisplayName;

/**
 * The conformance kit run against the x86 backend on simulated device memory: every rule of
 * {@link ArchBackendConformance}, for both memory types, on any machine.
 */
@DisplayName("X86Backend passes the conformance kit")
class X86ConformanceTest extends ArchBackendConformance {

    @Override
    protected ArchBackend backend() {
        return new X86Backend();
    }
}
