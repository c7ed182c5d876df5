package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("iomem peek and iomem poke")
class PeekPokeCommandTest {

    @TempDir
    Path dir;

    private Path file(int size) throws IOException {
        Path f = dir.resolve("bar.bin");
        Files.write(f, new byte[size]);
        return f;
    }

    @ParameterizedTest(name = "--width {0}: {1}")
    @CsvSource({
        "8,  0xa5",
        "16, 0xbeef",
        "32, 0xdeadbeef",
        "64, 0x0123456789abcdef",
        "64, 0xfedcba9876543210",
    })
    @DisplayName("poke then peek on a file round-trips the value as one little-endian access of the width, touching no other byte")
    void roundTrip(int width, String value) throws IOException {
        Path f = file(64);
        byte[] before = Files.readAllBytes(f);
        Arrays.fill(before, (byte) 0x5a);
        Files.write(f, before);
        CliRun poke = CliRun.inProcess("poke", "--file", f.toString(), "0x10", value, "--width", String.valueOf(width));
        assertThat(poke.exit()).as(poke.err()).isZero();
        assertThat(poke.out().strip()).isEqualTo("wrote " + value + " (" + width + " bits) at 0x10 of file " + f);
        byte[] after = Files.readAllBytes(f);
        int bytes = width / 8;
        long expected = Long.parseUnsignedLong(value.substring(2), 16);
        ByteBuffer le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(expected);
        for (int i = 0; i < after.length; i++) {
            byte want = i >= 0x10 && i < 0x10 + bytes ? le.get(i - 0x10) : (byte) 0x5a;
            assertThat(after[i]).as("byte " + i).isEqualTo(want);
        }
        CliRun peek = CliRun.inProcess("peek", "--file", f.toString(), "16", "--width", String.valueOf(width));
        assertThat(peek.exit()).as(peek.err()).isZero();
        assertThat(peek.out().strip()).isEqualTo("0x10: " + value);
    }

    @Test
    @DisplayName("peek --count reads consecutive values; --json gives offsets and values as hex strings; the file is not written")
    void countAndJson() throws IOException {
        Path f = file(16);
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        CliRun r = CliRun.inProcess("peek", "--file", f.toString(), "0x2", "--width", "16", "--count", "3");
        assertThat(r.out()).isEqualTo("0x2: 0x0403\n0x4: 0x0605\n0x6: 0x0807\n");
        CliRun j = CliRun.inProcess("peek", "--file", f.toString(), "0", "--width", "64", "--json");
        assertThat(j.out().strip()).isEqualTo("{\"target\":\"file " + f + "\",\"memoryType\":\"DEVICE\",\"backend\":\"x86_64\",\"width\":64,"
                + "\"values\":[{\"offset\":\"0x0\",\"value\":\"0x0807060504030201\"}]}");
        assertThat(Files.readAllBytes(f)[0]).isEqualTo((byte) 1);
    }

    @Test
    @DisplayName("ADDR BAR OFFSET with --file are labels; accesses past the end are refused before any access")
    void labelsAndBounds() throws IOException {
        Path f = file(16);
        assertThat(CliRun.inProcess("peek", "0000:00:01.0", "0", "8", "--file", f.toString(), "--width", "64").exit()).isZero();
        CliRun past = CliRun.inProcess("peek", "--file", f.toString(), "12", "--width", "32", "--count", "2");
        assertThat(past.exit()).isEqualTo(1);
        assertThat(past.err().strip()).isEqualTo("iomem: file " + f + ": 2 access(es) of 4 byte(s) at offset 0xc go beyond its 0x10 bytes");
        assertThat(past.out()).isEmpty();
        CliRun pokePast = CliRun.inProcess("poke", "--file", f.toString(), "16", "1", "--width", "8");
        assertThat(pokePast.exit()).isEqualTo(1);
        assertThat(Files.readAllBytes(f)).containsOnly(0);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"../../etc", "0000:00:01.0/..", "0000:00:01.0/../../../../etc", "/etc/passwd", "0000:00:01.0 ", "00:01.0\n"})
    @DisplayName("malformed addresses are rejected with one line and exit 2 before any file is opened")
    void malformedAddress(String address) {
        Path missing = dir.resolve("no-sysfs-here");
        for (String[] cmd : new String[][] {
            {"peek", address, "0", "0", "--sysfs", missing.toString()},
            {"poke", address, "0", "0", "1", "--sysfs", missing.toString()},
        }) {
            CliRun r = CliRun.inProcess(cmd);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err().strip()).startsWith("iomem: invalid PCI address \"").doesNotContain("\n").doesNotContain("no-sysfs-here");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    @DisplayName("a BAR index above 5, a width that is not 8/16/32/64, a value wider than the width and a bad number exit 2 with one line")
    void badArguments() throws IOException {
        Path f = file(16);
        assertThat(CliRun.inProcess("peek", "0000:00:01.0", "6", "0").err().strip()).isEqualTo("iomem: BAR index 6 is not 0 to 5");
        CliRun w = CliRun.inProcess("peek", "--file", f.toString(), "0", "--width", "24");
        assertThat(w.exit()).isEqualTo(2);
        assertThat(w.err().strip()).isEqualTo("iomem: --width 24 is not 8, 16, 32 or 64");
        CliRun v = CliRun.inProcess("poke", "--file", f.toString(), "0", "0x100", "--width", "8");
        assertThat(v.exit()).isEqualTo(2);
        assertThat(v.err().strip()).isEqualTo("iomem: VALUE 0x100 does not fit 8 bits");
        CliRun n = CliRun.inProcess("poke", "--file", f.toString(), "0", "-1");
        assertThat(n.exit()).isEqualTo(2);
        CliRun o = CliRun.inProcess("peek", "--file", f.toString(), "0x");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("iomem: OFFSET \"0x\" is not a non-negative number (decimal, or hex with 0x) of at most 64 bits");
        assertThat(CliRun.inProcess("peek", "--file", f.toString(), "1", "2").exit()).as("two positionals with --file").isEqualTo(2);
        assertThat(Files.readAllBytes(f)).containsOnly(0);
    }

    @Test
    @DisplayName("peek on a real BAR of this machine fails cleanly: one line, exit 1, the missing resource0 named")
    void realBar() {
        Path res = Path.of("/sys/bus/pci/devices/0000:00:01.0/resource0");
        assumeTrue(Files.isDirectory(res.getParent()) && !Files.exists(res), "needs a PCI function without resourceN files");
        CliRun r = CliRun.inProcess("peek", "0000:00:01.0", "0", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("iomem: 0000:00:01.0 BAR 0: " + res
                + " does not exist (this kernel offers no mmap of this BAR through sysfs)");
        assertThat(r.out()).isEmpty();
        CliRun poke = CliRun.inProcess("poke", "0000:00:01.0", "0", "0", "1");
        assertThat(poke.exit()).isEqualTo(1);
        assertThat(poke.err()).contains("does not exist");
    }

    @Test
    @DisplayName("on fixture BARs: resourceN and resourceN_wc round-trip; an I/O BAR and WC on a non-prefetchable BAR are refused")
    void fixtureBars() throws IOException {
        PciFixture fx = new PciFixture(dir, "vendor_id\t: AuthenticAMD\ncpu family\t: 25\n");
        Path d = fx.function("pci0000:00/0000:00:04.0", 0x1af4, 0x1041, 0x020000, true,
                new long[] {0xe000, 0x20, 0x40101}, new long[] {0xfe000000L, 0x1000, 0x40200}, new long[] {0x8000000000L, 0x4000, 0x14220c});
        CliRun poke = CliRun.inProcess(PciCommandsTest.args(new String[] {"poke", "0000:00:04.0", "1", "0x20", "0x11223344"}, fx.options()));
        assertThat(poke.exit()).as(poke.err()).isZero();
        assertThat(poke.out()).contains("of 0000:00:04.0 BAR 1 (resource1)");
        assertThat(Files.readAllBytes(d.resolve("resource1"))[0x20]).isEqualTo((byte) 0x44);
        CliRun wc = CliRun.inProcess(PciCommandsTest.args(new String[] {"poke", "0000:00:04.0", "2", "8", "0x7", "--width", "8", "--wc"}, fx.options()));
        assertThat(wc.exit()).as(wc.err()).isZero();
        assertThat(Files.readAllBytes(d.resolve("resource2_wc"))[8]).isEqualTo((byte) 7);
        CliRun peek = CliRun.inProcess(PciCommandsTest.args(new String[] {"peek", "0000:00:04.0", "2", "8", "--width", "8", "--wc", "--json"}, fx.options()));
        assertThat(peek.out()).contains("\"memoryType\":\"WRITE_COMBINING\"", "\"value\":\"0x07\"");
        CliRun io = CliRun.inProcess(PciCommandsTest.args(new String[] {"peek", "0000:00:04.0", "0", "0"}, fx.options()));
        assertThat(io.exit()).isEqualTo(1);
        assertThat(io.err().strip()).isEqualTo("iomem: 0000:00:04.0 BAR 0 is I/O port space, which cannot be memory-mapped");
        CliRun notPrefetch = CliRun.inProcess(PciCommandsTest.args(new String[] {"peek", "0000:00:04.0", "1", "0", "--wc"}, fx.options()));
        assertThat(notPrefetch.err()).contains("BAR 1 is not prefetchable");
        CliRun outside = CliRun.inProcess(PciCommandsTest.args(new String[] {"peek", "0000:00:04.0", "1", "0x1000"}, fx.options()));
        assertThat(outside.exit()).isEqualTo(1);
        assertThat(outside.err().strip()).isEqualTo("iomem: 0000:00:04.0 BAR 1 (resource1): 1 access(es) of 4 byte(s) at offset 0x1000 go beyond its 0x1000 bytes");
    }
}
