package dev.iomem.cli;

import dev.iomem.api.Width;
import dev.iomem.arch.arm64.Arm64Backend;
import dev.iomem.arch.s390x.S390xBackend;
import dev.iomem.arch.x86.X86Backend;
import dev.iomem.core.Iomem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Discovery in a fresh JVM")
class ModulePathDiscoveryTest {

    private static String where(Class<?> c) {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }

    @Test
    @DisplayName("on the module path, the arch modules' provides clauses are found through the real ServiceLoader")
    void modulePath() throws Exception {
        CliRun r = CliRun.process(Map.of(), List.of("--enable-native-access=dev.iomem.core,dev.iomem.arch.x86,dev.iomem.cli",
                "--module-path", discoveryModulePath(), "-m", "dev.iomem.cli/dev.iomem.cli.Main", "probe", "--json"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"chosen\":{\"name\":\"x86_64\"", "\"name\":\"aarch64\"", "\"name\":\"s390x\"");
    }

    @Test
    @DisplayName("on the module path, iomem conformance runs the kit's suites through the JUnit Platform (opened to JUnit)")
    void conformanceOnTheModulePath() throws Exception {
        CliRun r = CliRun.process(Map.of(), List.of("--enable-native-access=dev.iomem.core,dev.iomem.arch.x86,dev.iomem.cli",
                "--module-path", discoveryModulePath(), "-m", "dev.iomem.cli/dev.iomem.cli.Main", "conformance", "--backend", "aarch64"));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ok   aarch64", "PASSED");
    }

    /** The cli, the backends, the testkit and the JUnit Platform modules the testkit reads, and nothing else. */
    private static String discoveryModulePath() throws ClassNotFoundException {
        List<Class<?>> classes = new java.util.ArrayList<>(List.of(Width.class, Iomem.class, X86Backend.class, Arm64Backend.class,
                S390xBackend.class, CommandLine.class, Main.class, dev.iomem.testkit.ConformanceRunner.class));
        for (String name : List.of("org.junit.jupiter.api.Test", "org.opentest4j.AssertionFailedError", "org.apiguardian.api.API",
                "org.junit.platform.commons.annotation.Testable", "org.junit.platform.engine.TestEngine",
                "org.junit.platform.launcher.Launcher", "org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener",
                "org.opentest4j.reporting.tooling.spi.htmlreport.Contributor", "org.junit.jupiter.engine.JupiterTestEngine")) {
            classes.add(Class.forName(name));
        }
        return String.join(File.pathSeparator, classes.stream().map(ModulePathDiscoveryTest::where).distinct().toList());
    }

    @Test
    @DisplayName("on the class path, META-INF/services finds the same backends; IOMEM_BACKEND=nonesuch exits non-zero listing them")
    void classPathAndEnvironment() throws Exception {
        CliRun ok = CliRun.process(Map.of(), List.of("--enable-native-access=ALL-UNNAMED", "-cp", CliRun.classPath(),
                "dev.iomem.cli.Main", "probe", "--json"));
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("\"chosen\":{\"name\":\"x86_64\"");

        CliRun bad = CliRun.process(Map.of("IOMEM_BACKEND", "nonesuch"), List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", CliRun.classPath(), "dev.iomem.cli.Main", "probe"));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("iomem: unknown backend \"nonesuch\" (from environment variable IOMEM_BACKEND); known backends: aarch64, s390x, x86_64");
    }

    @Test
    @DisplayName("without native access x86_64 is unavailable and says which flag to add")
    void withoutNativeAccess() throws Exception {
        CliRun r = CliRun.process(Map.of(), List.of("-cp", CliRun.classPath(), "dev.iomem.cli.Main", "probe"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("native access is not enabled: run with --enable-native-access=ALL-UNNAMED");
        assertThat(r.err()).contains("no iomem backend is available for os.arch amd64");
    }
}
