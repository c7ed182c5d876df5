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
 * instructions, a child JVM dies at its first ordered write and not before. With the real page
 * the same writes complete: this JVM's own ordered writes ({@link RegistersInGuestTest}) run
 * through the real stubs.
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
    @DisplayName("with trapping stubs the relaxed write completes and the ordered write kills the JVM with SIGILL")
    void stubsExecute() throws Exception {
        assumeTrue(LabGuest.arch().equals("aarch64"), "barrier stubs are arm64's");
        Run trapping = child("trapping");
        assertThat(trapping.exit()).as(trapping.output()).isNotZero();
        assertThat(trapping.output()).contains("relaxed write done").doesNotContain("ordered write done").contains("SIGILL");
    }
}
