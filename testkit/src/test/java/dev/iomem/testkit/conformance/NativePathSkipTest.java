package dev.iomem.testkit.conformance;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;
import dev.iomem.testkit.ConformanceReport;
import dev.iomem.testkit.ConformanceRunner;
import dev.iomem.testkit.TestOutcome;
import dev.iomem.testkit.fixtures.DelegatingBus;
import dev.iomem.testkit.fixtures.NativeReferenceBackend;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The native-path checks skip a bus that refuses plain memory, as s390x's system calls do")
class NativePathSkipTest {

    @Test
    @DisplayName("a correct backend whose native bus faults on anything but a device window passes, its native-path checks skipped with the reason")
    void refusingBusIsSkipped() {
        NativeReferenceBackend backend = new NativeReferenceBackend("ref-zpci-like", ReferenceBackend.x86()::rules, bus -> new DelegatingBus(bus) {
            @Override public long load(long o, Width w) {
                throw new IoFaultException("s390_pci_mmio_read: EINVAL (not a zPCI BAR)", o, w.bytes(), 22);
            }
            @Override public void store(long o, Width w, long v) {
                throw new IoFaultException("s390_pci_mmio_write: EINVAL (not a zPCI BAR)", o, w.bytes(), 22);
            }
        });
        ConformanceReport report = ConformanceRunner.builder().build().run(List.of(backend));
        assertThat(report.failures()).isEmpty();
        assertThat(report.outcomes()).filteredOn(o -> o.test().startsWith("where the backend is available on this machine"))
                .isNotEmpty()
                .allSatisfy(o -> {
                    assertThat(o.status()).isEqualTo(TestOutcome.Status.SKIPPED);
                    assertThat(o.message()).contains("refuses plain memory", "not a zPCI BAR");
                });
    }
}
