package dev.iomem.testkit.conformance;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The kit passes the reference accessor with arm64 rules")
class ReferenceArm64ConformanceTest extends ArchBackendConformance {
    @Override
    protected ArchBackend backend() {
        return ReferenceBackend.arm64();
    }
}
