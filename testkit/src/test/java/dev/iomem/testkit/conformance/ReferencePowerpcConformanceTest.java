package dev.iomem.testkit.conformance;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The kit passes the reference accessor with powerpc rules (its own copies, fences, relaxed accesses ordered)")
class ReferencePowerpcConformanceTest extends ArchBackendConformance {
    @Override
    protected ArchBackend backend() {
        return ReferenceBackend.powerpc();
    }
}
