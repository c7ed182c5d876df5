package dev.iomem.testkit.conformance;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The kit passes the reference accessor with s390x rules")
class ReferenceS390xConformanceTest extends ArchBackendConformance {
    @Override
    protected ArchBackend backend() {
        return ReferenceBackend.s390x();
    }
}
