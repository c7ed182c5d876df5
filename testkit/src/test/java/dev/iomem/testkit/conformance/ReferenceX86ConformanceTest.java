package dev.iomem.testkit.conformance;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The kit passes the reference accessor with x86 rules")
class ReferenceX86ConformanceTest extends ArchBackendConformance {
    @Override
    protected ArchBackend backend() {
        return ReferenceBackend.x86();
    }
}
