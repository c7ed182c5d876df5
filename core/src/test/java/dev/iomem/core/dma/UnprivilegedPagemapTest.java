package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs a mapping in a child JVM as user nobody with no capabilities ({@code setpriv}), so the
 * kernel really hides the PFNs and RLIMIT_MEMLOCK really binds.
 */
@DisplayName("Pagemap mapping without privilege (child JVM as nobody, no capabilities)")
class UnprivilegedPagemapTest {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static String classPath;

    @BeforeAll
    static void canRunAsNobody() {
        assumeTrue(Files.isExecutable(SETPRIV), "no setpriv");
        assumeTrue(ProcSelfStatus.hasEffective(ProcSelfStatus.CAP_SYS_ADMIN), "the test JVM itself is unprivileged");
        List<String> readable = new ArrayList<>();
        // Surefire's java.class.path is a manifest jar: take the three class directories (or jars) from
        // the classes themselves.
        for (Class<?> c : List.of(UnprivilegedMapping.class, Libc.class, dev.iomem.api.dma.DmaConstraints.class)) {
            try {
                Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (worldReadable(p)) {
                    readable.add(p.toString());
                }
            } catch (java.net.URISyntaxException | RuntimeException e) {
                // not a directory on disk: the assumption below fails
            }
        }
        classPath = String.join(File.pathSeparator, readable);
        assumeTrue(readable.size() == 3, "class directories or jars are not readable by nobody: " + readable);
    }

    private static boolean worldReadable(Path p) {
        try {
            Path start = Files.isDirectory(p) ? p.toAbsolutePath() : p.toAbsolutePath().getParent();
            for (Path q = start; q != null; q = q.getParent()) {
                if (!Files.getPosixFilePermissions(q).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String runAsNobody(String mode) throws IOException, InterruptedException {
        List<String> cmd = List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-Xshare:off", "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                UnprivilegedMapping.class.getName(), mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).directory(new File("/")).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("the child really runs without CAP_SYS_ADMIN").contains("CAPEFF true");
        return out;
    }

    @Test
    @DisplayName("the mapper refuses up front with a message about the CAP_SYS_ADMIN privilege, and locks nothing")
    void precheck() throws Exception {
        String out = runAsNobody("precheck");
        assertThat(out).contains("ERROR DmaMappingException: pagemap DMA mapping needs the CAP_SYS_ADMIN privilege")
                .contains("VMLCK 0").contains("HOLDS 0").doesNotContain("MAPPED").doesNotContain("0x");
    }

    @Test
    @DisplayName("without the up-front check the kernel's zeroed PFNs are refused, never handed out, and the lock is undone")
    void kernelHidesPfns() throws Exception {
        String out = runAsNobody("kernel");
        assertThat(out).contains("ERROR DmaMappingException: pagemap shows PFN 0 for page 0 of the buffer")
                .contains("CAP_SYS_ADMIN privilege")
                .contains("VMLCK 0").contains("HOLDS 0").doesNotContain("MAPPED");
    }

    @Test
    @DisplayName("64 MiB of locked memory over an 8 MiB RLIMIT_MEMLOCK fails with what to change, and nothing stays mapped")
    void memlockLimit() throws Exception {
        String out = runAsNobody("buffers");
        assertThat(out).contains("ERROR DmaMappingException: cannot lock 64 MiB of DMA memory")
                .contains("RLIMIT_MEMLOCK is").contains("ulimit -l").contains("CAP_IPC_LOCK")
                .contains("VMLCK 0").contains("HOLDS 0").doesNotContain("MAPPED");
    }
}
