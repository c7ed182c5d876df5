package dev.iomem.lab.guest;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scalar read and write, at every JIT tier: child JVMs run {@link ScalarWorkload} in the
 * interpreter ({@code -Xint}) and under the default tiers (the marker, a relaxed 32-bit write, is
 * called often enough for C2 to compile it; C1 alone is covered by the unit tests of arch-x86). The host checks, from QEMU's trace,
 * that each access reached the device as exactly one access of its width and direction: an
 * {@code xchg} (a locked read-modify-write, how HotSpot's x86 interpreter stores a volatile)
 * would show as a read before the write.
 */
@DisplayName("Each scalar access is one device access at every JIT tier")
class ScalarTiersInGuestTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"interpreter, -Xint, 200000, 8", "default tiers, -XX:+UseSerialGC, 400000, 400"})
    @DisplayName("child JVM")
    void childJvm(String tier, String flag, int firstSeq, int rounds) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String log = "ops-tier-" + tier.replace(' ', '-') + ".tsv";
        List<String> cmd = new ArrayList<>(List.of(java, flag, "-Xmx128m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ScalarWorkload.class.getName(), log, "" + firstSeq, "" + rounds));
        Path out = Files.createTempFile("workload", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("the workload finished within 240 s").isTrue();
        assertThat(p.exitValue()).as("the workload's exit status; its output: %s", Files.readString(out)).isZero();
        File logFile = LabGuest.results().resolve(log).toFile();
        assertThat(logFile).exists();
    }
}
