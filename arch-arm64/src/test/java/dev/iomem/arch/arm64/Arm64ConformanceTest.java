package dev.iomem.arch.arm64;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.ArchBackendConformance;
import org.junit.jupiter.api.DisplayName;

/**
 * The conformance kit run against the arm64 backend on simulated device memory: every rule of
 * {@link ArchBackendConformance}, for both memory types, on any machine.
 */
@DisplayName("Arm64Backend passes the conformance kit")
class Arm64ConformanceTest extends ArchBackendConformance {

    @Override
    protected ArchBackend backend() {
        return new Arm64Backend();
    }
}
