package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Least privilege of {@code peek} and {@code poke}: peek maps read-only (so it works on a file
 * that cannot be written, and leaves it as it was), poke writes exactly the bytes of the value it
 * was given and no other, and a BAR file that is a link is never followed.
 *
 * <p>These tests run as root, which ignores permission bits (0444 does not stop a root writer),
 * so "cannot be written" is made with {@code chattr +i}, which stops root too.
 */
@DisplayName("Least privilege: iomem peek maps read-only, iomem poke writes only its value")
class LeastPrivilegeCliTest {

    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n";

    @TempDir
    Path dir;

    private static boolean chattr(String flag, Path file) throws IOException, InterruptedException {
        Path chattr = Path.of("/usr/bin/chattr");
        if (!Files.isExecutable(chattr)) {
            return false;
        }
        Process p = new ProcessBuilder(chattr.toString(), flag, file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    @DisplayName("on a file even root cannot write (0444 and chattr +i), peek works and leaves it unchanged; poke fails with one line")
    void immutableFile() throws Exception {
        Path f = Files.write(dir.resolve("rom.bin"), new byte[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88});
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
        assumeTrue(chattr("+i", f), "chattr +i is not possible here");
        try {
            CliRun peek = CliRun.inProcess("peek", "--file", f.toString(), "0", "--width", "64");
            assertThat(peek.exit()).as(peek.err()).isZero();
            assertThat(peek.out().strip()).isEqualTo("0x0: 0x8877665544332211");
            assertThat(peek.err()).isEmpty();

            CliRun poke = CliRun.inProcess("poke", "--file", f.toString(), "0", "0xff", "--width", "8");
            assertThat(poke.exit()).isEqualTo(1);
            assertThat(poke.out()).isEmpty();
            assertThat(poke.err().lines().toList()).singleElement().asString()
                    .isEqualTo("iomem: file " + f + ": cannot map " + f + ": Operation not permitted");
        } finally {
            chattr("-i", f);
        }
        assertThat(Files.readAllBytes(f)).containsExactly(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88);
        assertThat(Files.getLastModifiedTime(f)).isEqualTo(FileTime.fromMillis(1_000_000_000_000L));
    }

    @ParameterizedTest(name = "--width {0} at {1}")
    @CsvSource({"8, 0x13, 0xa5", "16, 0x22, 0xbeef", "32, 0x104, 0xdeadbeef", "64, 0xff8, 0x0123456789abcdef", "16, 0x7, 0x1234"})
    @DisplayName("poke of a BAR (fixture sysfs resource0) changes exactly the value's bytes; every other byte of the file is as it was")
    void pokeWritesOnlyTheValue(int width, String offset, String value) throws IOException {
        PciFixture fx = new PciFixture(dir, INTEL);
        Path fn = fx.function("pci0000:00/0000:00:01.0", 0x1af4, 0x1041, 0x020000, true, new long[] {0xfe00_0000L, 0x1000, 0x200});
        Path res = fn.resolve("resource0");
        byte[] before = new byte[0x1000];
        new Random(width).nextBytes(before);
        Files.write(res, before);
        String[] cmd = PciCommandsTest.args(new String[] {"poke", "0000:00:01.0", "0", offset, value, "--width", String.valueOf(width)},
                fx.options());
        CliRun r = CliRun.inProcess(cmd);
        assertThat(r.exit()).as(r.err()).isZero();
        byte[] after = Files.readAllBytes(res);
        int at = Integer.decode(offset);
        byte[] le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.parseUnsignedLong(value.substring(2), 16)).array();
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < after.length; i++) {
            byte want = i >= at && i < at + width / 8 ? le[i - at] : before[i];
            assertThat(after[i]).as("byte 0x%x", i).isEqualTo(want);
        }
    }

    @Test
    @DisplayName("a BAR's resourceN that is a link to another file is refused by poke and peek, and the other file is untouched")
    void resourceLinkNotFollowed() throws IOException {
        PciFixture fx = new PciFixture(dir, INTEL);
        Path fn = fx.function("pci0000:00/0000:00:01.0", 0x1af4, 0x1041, 0x020000, true, new long[] {0xfe00_0000L, 0x1000, 0x200});
        Path victim = Files.write(dir.resolve("victim.bin"), new byte[0x1000]);
        Files.delete(fn.resolve("resource0"));
        Files.createSymbolicLink(fn.resolve("resource0"), victim);
        for (String[] base : new String[][] {{"poke", "0000:00:01.0", "0", "0", "0xffffffff"}, {"peek", "0000:00:01.0", "0", "0"}}) {
            CliRun r = CliRun.inProcess(PciCommandsTest.args(base, fx.options()));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().toList()).singleElement().asString()
                    .isEqualTo("iomem: 0000:00:01.0 BAR 0: " + fx.root.resolve("0000:00:01.0/resource0")
                            + " is a symbolic link, where sysfs has a regular file");
        }
        assertThat(Files.readAllBytes(victim)).containsOnly(0);
    }
}
