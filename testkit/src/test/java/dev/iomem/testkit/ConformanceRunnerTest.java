package dev.iomem.testkit;

import dev.iomem.core.UnknownBackendException;
import dev.iomem.testkit.fixtures.BrokenBackend;
import dev.iomem.testkit.fixtures.DelegatingAccessor;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import dev.iomem.testkit.reference.ReferenceAccessor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ConformanceRunner")
class ConformanceRunnerTest {

    @Test
    @DisplayName("passes the three reference backends, printing progress and writing JUnit XML and a Markdown summary")
    void passes(@TempDir Path dir) throws IOException {
        StringWriter progress = new StringWriter();
        ConformanceReport report = ConformanceRunner.builder().progress(new PrintWriter(progress)).reportDirectory(dir).build()
                .run(List.of(ReferenceBackend.x86(), ReferenceBackend.arm64(), ReferenceBackend.s390x()));
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(report.backends()).containsExactly("ref-x86_64", "ref-aarch64", "ref-s390x");
        assertThat(report.of("ref-x86_64")).hasSizeGreaterThan(30)
                .anySatisfy(o -> assertThat(o.fullName()).isEqualTo("Copies and fills > copyToIo issues exactly the accesses of the architecture's kernel memcpy_toio"));
        // x86 demands no alignment and has no boundary, so those refusals (of the width-named and the
        // generic scalars) do not apply to it; a reference backend has no native path to run.
        String noNative = "Assumption failed: ref-x86_64 does not run natively on this machine (os.arch "
                + System.getProperty("os.arch") + "): simulation only";
        assertThat(report.of("ref-x86_64")).filteredOn(o -> o.status() == TestOutcome.Status.SKIPPED)
                .extracting(TestOutcome::message).containsExactlyInAnyOrder(
                        "Assumption failed: the rules do not demand natural alignment",
                        "Assumption failed: the rules have no boundary a scalar could cross",
                        "Assumption failed: the rules do not demand natural alignment",
                        "Assumption failed: the rules have no boundary a scalar could cross",
                        noNative, noNative);
        assertThat(progress.toString()).contains("conformance of ref-s390x", "PASS  Ordering hooks > an ordered write", "PASSED: ");
        for (String b : List.of("ref-x86_64", "ref-aarch64", "ref-s390x")) {
            Path xml = dir.resolve("TEST-iomem-conformance-" + b + ".xml");
            assertThat(xml).exists();
            assertThat(Files.readString(xml)).contains("<testsuite", "failures=\"0\"", "flush");
        }
        assertThat(Files.readString(dir.resolve("conformance-summary.md"))).contains("**PASSED**", "| ref-s390x | pass |");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".junit"));
        }
    }

    @Test
    @DisplayName("reports a broken backend's failures with their messages, and the summary lists them")
    void fails(@TempDir Path dir) throws IOException {
        var broken = new BrokenBackend(ReferenceBackend.x86(), "no-flush", (bus, r, b) -> new DelegatingAccessor(new ReferenceAccessor(bus, r, b)) {
            @Override
            public void flushWrites() {
                if (isClosed()) {
                    throw new dev.iomem.api.AccessorClosedException("flushWrites", 0, 0);
                }
            }
        });
        ConformanceReport report = ConformanceRunner.builder().reportDirectory(dir).build().run(List.of(broken));
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).singleElement().satisfies(o -> {
            assertThat(o.fullName()).isEqualTo("Ordering hooks > flushWrites calls the flush barrier once and issues no transaction");
            assertThat(o.message()).startsWith("[flush]");
        });
        assertThat(Files.readString(dir.resolve("conformance-summary.md"))).contains("**FAILED**", "## Failures", "[flush]");
        assertThat(Files.readString(dir.resolve("TEST-iomem-conformance-ref-x86_64-no-flush.xml"))).contains("failures=\"1\"", "[flush]");
    }

    @Test
    @DisplayName("fails a test whose backend hangs after the test timeout, and runs the others")
    void hangs() {
        var hanging = new BrokenBackend(ReferenceBackend.x86(), "hangs", (bus, r, b) -> new DelegatingAccessor(new ReferenceAccessor(bus, r, b)) {
            @Override
            public void flushWrites() {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ConformanceReport report = ConformanceRunner.builder().testTimeout(java.time.Duration.ofMillis(500)).build().run(List.of(hanging));
        assertThat(report.failures()).extracting(TestOutcome::fullName).contains("Ordering hooks > flushWrites calls the flush barrier once and issues no transaction");
        assertThat(report.count(TestOutcome.Status.PASSED)).isGreaterThan(25);
        assertThatThrownBy(() -> ConformanceRunner.builder().testTimeout(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("finds backends by name through discovery, and names the known ones for an unknown name")
    void byName() {
        assertThatThrownBy(() -> ConformanceRunner.backendNamed("nonesuch", getClass().getClassLoader()))
                .isInstanceOf(UnknownBackendException.class).hasMessageContaining("nonesuch");
        assertThatThrownBy(() -> ConformanceRunner.builder().build().run(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
