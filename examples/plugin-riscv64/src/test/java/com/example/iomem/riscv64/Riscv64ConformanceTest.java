package com.example.iomem.riscv64;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.ArchBackendConformance;
import org.junit.jupiter.api.DisplayName;

/**
 * The conformance kit run against the riscv64 backend on simulated device memory: every rule of
 * {@link ArchBackendConformance}, for both memory types, on any machine. This one subclass is all
 * a plugin needs.
 */
@DisplayName("Riscv64Backend passes the conformance kit")
class Riscv64ConformanceTest extends ArchBackendConformance {

    @Override
    protected ArchBackend backend() {
        return new Riscv64Backend();
    }
}
