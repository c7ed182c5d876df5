package dev.iomem.lab.guest;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The arm64 barrier stubs execute for real: with the stub page swapped for one of {@code udf}
 * instructions, the child JVM dies at its first ordered write and not before; with the real
 * page it completes.
 */
@DisplayName("arm64 ordered accesses execute the dmb/dsb stubs")
class BarrierStubsInGuestTest {

    private static Run child(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path out = Files.createTempFile("stubs", ".log");
        Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:ErrorFile=/tmp/hs_err_stubs_%p.log", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), BarrierStubsWorkload.class.getName(), mode))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    private record Run(int exit, String output) {
    }

    @Test
    @DisplayName("with the real stubs both writes complete; with trapping stubs the ordered write kills the JVM")
    void stubsExecute() throws Exception {
        assumeTrue(LabGuest.arch().equals("aarch64"), "barrier stubs are arm64's");
        Run real = child("real");
        assertThat(real.exit()).as(real.output()).isZero();
        assertThat(real.output()).contains("relaxed write done").contains("ordered write done");
        Run trapping = child("trapping");
        assertThat(trapping.exit()).as(trapping.output()).isNotZero();
        assertThat(trapping.output()).contains("relaxed write done").doesNotContain("ordered write done").contains("SIGILL");
    }
}
