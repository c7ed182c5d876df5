package dev.iomem.core.catalogue;

import dev.iomem.core.dma.UnprivilegedMapping;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The catalogue's rows that need a process with fewer privileges than this root test JVM: a
 * child JVM still runs as uid 0 (so it can read the test class path) but with capabilities
 * dropped by {@code setpriv} and RLIMIT_MEMLOCK lowered by {@code prlimit}, and reports, one
 * line a fact, the exception it got, its VmLck and the lock holds left
 * ({@link UnprivilegedMapping}).
 */
@DisplayName("Bad-input catalogue: missing privileges and limits (child JVMs)")
class PrivilegeCatalogueTest {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    /**
     * One row.
     *
     * @param name    the situation
     * @param wrapper what runs the child JVM with less privilege
     * @param mode    {@link UnprivilegedMapping}'s mode
     * @param error   the exception's simple name and the key phrase of its message
     */
    record Row(String name, List<String> wrapper, String mode, String error) {
    }

    @BeforeAll
    static void tools() {
        assumeTrue(Files.isExecutable(SETPRIV) && Files.isExecutable(PRLIMIT), "no setpriv or prlimit");
    }

    static List<Row> rows() {
        List<String> noCapabilities = List.of(SETPRIV.toString(), "--inh-caps=-all", "--bounding-set=-all", "--");
        List<String> smallMemlock = List.of(PRLIMIT.toString(), "--memlock=8388608:8388608", "--",
                SETPRIV.toString(), "--inh-caps=-all", "--bounding-set=-ipc_lock", "--");
        return List.of(
            new Row("pagemap mapping without CAP_SYS_ADMIN: refused up front", noCapabilities, "precheck",
                    "DmaMappingException: pagemap DMA mapping needs the CAP_SYS_ADMIN privilege"),
            new Row("pagemap read without CAP_SYS_ADMIN: the kernel's zeroed PFNs are refused", noCapabilities, "kernel",
                    "DmaMappingException: pagemap shows PFN 0 for page 0 of the buffer"),
            new Row("64 MiB of DMA memory over an 8 MiB RLIMIT_MEMLOCK without CAP_IPC_LOCK", smallMemlock, "buffers",
                    "DmaMappingException: cannot lock 64 MiB of DMA memory"));
    }

    @TestFactory
    @DisplayName("each gets its exact exception and one-line message, and nothing stays locked or mapped")
    Stream<DynamicTest> catalogue() {
        return rows().stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> check(r)));
    }

    private static void check(Row row) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(row.wrapper());
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-Xshare:off", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), UnprivilegedMapping.class.getName(), row.mode()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines()).as("one line a fact, so the message is one line").allMatch(l -> l.matches("(CAPEFF|ERROR|VMLCK|HOLDS) .*"));
        List<String> errors = out.lines().filter(l -> l.startsWith("ERROR ")).toList();
        assertThat(errors).as(out).hasSize(1);
        assertThat(errors.getFirst()).startsWith("ERROR " + row.error());
        assertThat(out).as("nothing locked, no lock hold left, no table handed out")
                .contains("VMLCK 0").contains("HOLDS 0").doesNotContain("MAPPED");
    }
}
