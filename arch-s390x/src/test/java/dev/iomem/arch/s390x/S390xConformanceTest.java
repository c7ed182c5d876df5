package dev.iomem.arch.s390x;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.ArchBackendConformance;
import org.junit.jupiter.api.DisplayName;

/**
 * The conformance kit run against the s390x backend on simulated device memory: every rule of
 * {@link ArchBackendConformance}, for both memory types, on any machine.
 */
@DisplayName("S390xBackend passes the conformance kit")
class S390xConformanceTest extends ArchBackendConformance {

    @Override
    protected ArchBackend backend() {
        return new S390xBackend();
    }
}
