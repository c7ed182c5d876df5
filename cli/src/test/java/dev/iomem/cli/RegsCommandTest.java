package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("iomem regs")
class RegsCommandTest {

    @TempDir
    Path dir;

    private Path bar(int size) throws IOException {
        Path f = dir.resolve("bar.bin");
        Files.write(f, new byte[size]);
        return f;
    }

    @Test
    @DisplayName("--layout edu dumps edu's registers with fields decoded, listing but not reading the write-only ones")
    void edu() throws IOException {
        Path f = bar(4096);
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00, 0x010000ed).putInt(0x20, 0x80).putLong(0x98, 0x5);
        Files.write(f, b.array());
        CliRun r = CliRun.inProcess("regs", "--file", f.toString(), "--layout", "edu");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("layout edu, window of 4096 bytes\n")
                .contains("0x0000  ID          32  RO   0x010000ed  MAGIC=0xed  MINOR=0x0  MAJOR=0x1\n")
                .contains("0x0020  STATUS      32  RW   0x00000080  COMPUTING=0  IRQ_ON_FACTORIAL=1\n")
                .contains("0x0060  IRQ_RAISE   32  WO   (write-only, not read)\n")
                .contains("0x0098  DMA_CMD     64  RW   0x0000000000000005  START=1  DIRECTION=0(ram-to-device)  IRQ_ON_DONE=1\n");
    }

    @Test
    @DisplayName("--layout nvme reads CAP.DSTRD for the doorbell stride; --json gives every register and field")
    void nvmeJson() throws IOException {
        Path f = bar(0x2000);
        ByteBuffer b = ByteBuffer.allocate(0x2000).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x00, 0x0000_0020_0f01_07ffL | (1L << 32)).putInt(0x08, 0x0001_0400).putInt(0x14, 0x0046_0001);
        Files.write(f, b.array());
        CliRun t = CliRun.inProcess("regs", "--file", f.toString(), "--layout", "nvme");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).contains("DSTRD=0x1").contains("0x1000  SQTDBL[0]  32  WO   (write-only, not read)\n")
                .contains("0x1008  CQHDBL[0]  32  WO   (write-only, not read)\n")
                .contains("CC         32  RW   0x00460001  EN=1  CSS=0x0(nvm)");
        CliRun j = CliRun.inProcess("regs", "0000:00:04.0", "0", "--file", f.toString(), "--layout", "nvme", "--json");
        assertThat(j.exit()).as(j.err()).isZero();
        assertThat(j.out()).startsWith("{\"target\":\"file " + f + "\",\"backend\":")
                .contains("\"layout\":\"nvme\",\"size\":8192,\"registers\":[{\"name\":\"CAP\",\"offset\":\"0x0\",\"bits\":64,\"access\":\"READ_ONLY\",\"read\":true,\"value\":\"0x210f0107ff\"")
                .contains("{\"name\":\"VS\",\"offset\":\"0x8\",\"bits\":32,\"access\":\"READ_ONLY\",\"read\":true,\"value\":\"0x10400\",\"fields\":{\"TER\":{\"value\":0,\"lsb\":0,\"width\":8},\"MNR\":{\"value\":4,\"lsb\":8,\"width\":8},\"MJR\":{\"value\":1,\"lsb\":16,\"width\":16}}}")
                .contains("{\"name\":\"SQTDBL[0]\",\"offset\":\"0x1000\",\"bits\":32,\"access\":\"WRITE_ONLY\",\"read\":false}");
    }

    @Test
    @DisplayName("--layout FILE reads a layout file; a read-to-clear register is listed, never read")
    void layoutFile() throws IOException {
        Path f = bar(64);
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00, 0x12).putInt(0x04, 0x3).putShort(0x10, (short) 0x00ff);
        Files.write(f, b.array());
        Path layout = dir.resolve("mydev.regs");
        Files.writeString(layout, """
                # a made-up device
                layout mydev
                register CTRL 0x0 32 RW
                field EN 0 1
                field MODE 4 2 0=off 1=slow
                register EVENTS 0x4 32 RC   # reading clears it
                field DONE 0 1
                array Q 0x10 16 RO 2 4
                field LEN 0 8
                """);
        CliRun r = CliRun.inProcess("regs", "--file", f.toString(), "--layout", layout.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                layout mydev, window of 64 bytes
                0x0000  CTRL    32  RW   0x00000012  EN=0  MODE=0x1(slow)
                0x0004  EVENTS  32  RC   (read-to-clear, not read)
                0x0010  Q[0]    16  RO   0x00ff  LEN=0xff
                0x0014  Q[1]    16  RO   0x0000  LEN=0x0
                """);
    }

    @Test
    @DisplayName("ADDR BAR maps the function's resourceN from sysfs (fixture) read-only, reads edu's registers and writes nothing")
    void sysfsBar() throws IOException {
        PciFixture fx = new PciFixture(dir, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n");
        Path fn = fx.function("pci0000:00/0000:00:04.0", 0x1234, 0x11e8, 0x00ff00, true, new long[] {0xfea0_0000L, 0x10_0000, 0x200});
        Path res = fn.resolve("resource0");
        byte[] before = new byte[0x10_0000];
        ByteBuffer.wrap(before).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x010000ed).putInt(0x24, 0x100);
        Files.write(res, before);
        CliRun r = CliRun.inProcess(PciCommandsTest.args(new String[] {"regs", "0000:00:04.0", "0", "--layout", "edu"}, fx.options()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("layout edu, window of 1048576 bytes\n")
                .contains("0x0000  ID          32  RO   0x010000ed  MAGIC=0xed  MINOR=0x0  MAJOR=0x1\n")
                .contains("0x0024  IRQ_STATUS  32  RO   0x00000100  FACTORIAL=0  DMA=1\n");
        assertThat(Files.readAllBytes(res)).isEqualTo(before);
        CliRun usage = CliRun.inProcess("regs", "0000:00:04.0", "--layout", "edu");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().strip()).isEqualTo("iomem: expected ADDR BAR (or --file PATH), got 1 argument(s)");
    }

    @Test
    @DisplayName("a bad layout file is a usage error naming the file and line; a window too small is refused before any read")
    void refusals() throws IOException {
        Path f = bar(64);
        Path layout = dir.resolve("bad.regs");
        Files.writeString(layout, "register A 0 32 RW\nfield X 0 4\nfield Y 2 4\n");
        CliRun r = CliRun.inProcess("regs", "--file", f.toString(), "--layout", layout.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("iomem: " + layout + ":1: layout bad: register A: field Y (bits 2..5) overlaps field X (bits 0..3)");
        CliRun small = CliRun.inProcess("regs", "--file", f.toString(), "--layout", "edu");
        assertThat(small.exit()).isEqualTo(1);
        assertThat(small.err()).contains("layout edu: register IRQ_RAISE [0x60, 0x64) is outside the window of 64 bytes (0x40)");
        CliRun unknown = CliRun.inProcess("regs", "--file", f.toString(), "--layout", "nosuch");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("iomem: --layout nosuch is not edu, nvme or a layout file");
    }
}
