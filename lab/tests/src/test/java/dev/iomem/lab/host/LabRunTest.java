package dev.iomem.lab.host;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lab/run}'s refusals that happen before anything is built or booted. */
@DisplayName("lab/run refuses bad usage and a host without its packages in one line")
class LabRunTest {

    private static final Path RUN = Path.of("../run").toAbsolutePath().normalize();

    private record Result(int exit, String err) {
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("/usr/bin/bash", RUN.toString()), Stream.of(args)).toList());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path err = Files.createTempFile("labrun", ".err");
        pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(err));
    }

    @Test
    @DisplayName("an unknown architecture or option is a usage error (exit 2) that names it")
    void usage() throws Exception {
        Result arch = run(Map.of(), "--arch", "riscv64");
        assertThat(arch.exit()).isEqualTo(2);
        assertThat(arch.err().strip()).isEqualTo("lab/run: unknown architecture 'riscv64' (x86_64, aarch64, s390x or all)");
        Result opt = run(Map.of(), "--fast");
        assertThat(opt.exit()).isEqualTo(2);
        assertThat(opt.err()).contains("unknown option '--fast'");
    }

    @Test
    @DisplayName("a host without mmdebstrap gets one line naming the package and how to install it")
    void missingPackage(@TempDir Path bin) throws Exception {
        // Every command of /usr/bin but mmdebstrap.
        try (Stream<Path> s = Files.list(Path.of("/usr/bin"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals("mmdebstrap")) {
                    link(bin.resolve(p.getFileName()), p);
                }
            }
        }
        Result r = run(Map.of("PATH", bin.toString(), "IOMEM_LAB_CACHE", bin.resolve("cache").toString()), "--arch", "s390x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("lab: host: FAILED: missing host packages:").contains(" mmdebstrap", "sudo apt-get install");
        assertThat(bin.resolve("cache")).doesNotExist();
    }

    private static void link(Path at, Path target) {
        try {
            Files.createSymbolicLink(at, target);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("--help says what it does and exits 0")
    void help() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("/usr/bin/bash", RUN.toString(), "--help")).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        assertThat(out).contains("Usage: lab/run", "--iommu", "IOMEM_LAB_CACHE");
    }

    private static final Path LIB = RUN.resolveSibling("lib");

    /** Runs lab/lib/guest.sh's lab_summary on a runs directory; its exit, stderr and stdout. */
    private static Result summary(Path runs, String iommu, String... arches) throws Exception {
        String script = ". '" + LIB.resolve("common.sh") + "'; . '" + LIB.resolve("guest.sh") + "'; lab_summary \"$@\"";
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/bash", "-c", script, "lab_summary", runs.toString(), iommu));
        cmd.addAll(List.of(arches));
        Path out = Files.createTempFile("labsummary", ".out");
        Path err = Files.createTempFile("labsummary", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(err) + Files.readString(out));
    }

    private static void junit(Path dir, String tests) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("TEST-x.xml"), "<?xml version=\"1.0\"?>\n<testsuite name=\"x\" tests=\"" + tests
                + "\" skipped=\"0\" failures=\"0\" errors=\"0\">\n</testsuite>\n");
    }

    @Test
    @DisplayName("summary: a guest whose launcher selected no test passes (the --iommu run); a guest with no report fails")
    void summaryOfAnEmptySelection(@TempDir Path runs) throws Exception {
        junit(runs.resolve("x86_64/results/junit"), "0");
        junit(runs.resolve("x86_64/results/junit-host"), "0");
        Result empty = summary(runs, "yes", "x86_64");
        assertThat(empty.exit()).as(empty.err()).isZero();
        assertThat(empty.err()).contains("the --iommu run", "no test selected", "lab --iommu: 0 passed, 0 failed");
        Files.createDirectories(runs.resolve("s390x/results"));
        Result none = summary(runs, "no", "x86_64", "s390x");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("the run without --iommu", "no test ran", "lab: 0 passed, 1 failed");
    }
}
