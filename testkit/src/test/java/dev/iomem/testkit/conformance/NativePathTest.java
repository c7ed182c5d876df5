package dev.iomem.testkit.conformance;

import dev.iomem.testkit.ConformanceReport;
import dev.iomem.testkit.ConformanceRunner;
import dev.iomem.testkit.TestOutcome;
import dev.iomem.testkit.fixtures.NativeReferenceBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The kit runs a backend's native path where the backend is available")
class NativePathTest {

    @Test
    @DisplayName("a backend available on this machine passes the whole kit, its native checks run, not skipped")
    void availableBackendRunsNatively() {
        ConformanceReport report = ConformanceRunner.builder().build().run(List.of(NativeReferenceBackend.arm64()));
        assertThat(report.failures()).extracting(TestOutcome::message).isEmpty();
        assertThat(report.outcomes()).filteredOn(o -> o.test().contains("native bus") || o.test().contains("native copies"))
                .hasSize(2)
                .allSatisfy(o -> assertThat(o.status()).isEqualTo(TestOutcome.Status.PASSED));
    }
}
