package dev.iomem.core.pci;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ConfigSpaceParser")
class ConfigSpaceParserTest {

    @TempDir
    Path dir;

    private SysfsFixture.Function endpoint() {
        return new SysfsFixture(dir, "").function("pci0000:00", "0000:00:01.0");
    }

    @Test
    @DisplayName("reads a conventional PCI function as this machine's virtio: BAR 0 holds bus address 0x40_0000_0000, no PCIe, no ACS")
    void conventional() {
        byte[] c = endpoint().conventionalPci().bar(0, 0x40_0000_0000L, 0x80000, SysfsFixture.MEM64).config();
        ConfigSpace s = ConfigSpaceParser.parse("config", c);
        assertThat(s.length()).isEqualTo(256);
        assertThat(s.vendorId()).isEqualTo(0x1af4);
        assertThat(s.barCount()).isEqualTo(6);
        assertThat(s.busAddress(0)).hasValue(0x40_0000_0000L);
        assertThat(s.busAddress(1)).as("upper half").isEmpty();
        assertThat(s.busAddress(2)).as("absent").isEmpty();
        assertThat(s.capabilitiesReadable()).isTrue();
        assertThat(s.pcieType()).isEmpty();
        assertThat(s.acsControl()).isEmpty();
        assertThat(s.acsRedirects()).isFalse();
    }

    @Test
    @DisplayName("decodes I/O, 32-bit and 64-bit prefetchable BAR registers into bus addresses")
    void barRegisters() {
        byte[] c = endpoint()
                .bar(0, 0xe000, 0x20, SysfsFixture.IO)
                .bar(1, 0xfe00_0000L, 0x1000, SysfsFixture.MEM32, 0x7e00_0000L)
                .bar(2, 0x80_0000_0000L, 1L << 32, SysfsFixture.MEM64_PREFETCH, 0x1_8000_0000L)
                .config();
        ConfigSpace s = ConfigSpaceParser.parse("config", c);
        assertThat(s.busAddress(0)).hasValue(0xe000);
        assertThat(s.busAddress(1)).hasValue(0x7e00_0000L);
        assertThat(s.busAddress(2)).hasValue(0x1_8000_0000L);
        assertThat(s.busAddress(3)).isEmpty();
        assertThat(s.barRegister(2) & 0xf).isEqualTo(0xc);
    }

    @Test
    @DisplayName("finds the PCIe port type and the ACS control register in extended configuration space")
    void acs() {
        byte[] c = endpoint().bridge(ConfigSpace.PCIE_TYPE_DOWNSTREAM).acs(0x1d).config();
        ConfigSpace s = ConfigSpaceParser.parse("config", c);
        assertThat(s.headerType()).isEqualTo(1);
        assertThat(s.barCount()).isEqualTo(2);
        assertThat(s.pcieType()).hasValue(ConfigSpace.PCIE_TYPE_DOWNSTREAM);
        assertThat(s.acsControl()).hasValue(0x1d);
        assertThat(s.acsRedirects()).isTrue();
        byte[] sv = endpoint().bridge(ConfigSpace.PCIE_TYPE_DOWNSTREAM).acs(ConfigSpace.ACS_SV | ConfigSpace.ACS_UF).config();
        assertThat(ConfigSpaceParser.parse("config", sv).acsRedirects()).as("SV|UF do not redirect").isFalse();
    }

    @Test
    @DisplayName("a 64-byte read (what a process without root gets) still gives the BARs but says capabilities are unreadable")
    void headerOnly() {
        byte[] full = endpoint().bar(0, 0xfe00_0000L, 0x1000, SysfsFixture.MEM32).acs(0x1d).config();
        ConfigSpace s = ConfigSpaceParser.parse("config", Arrays.copyOf(full, 64));
        assertThat(s.capabilitiesReadable()).isFalse();
        assertThat(s.busAddress(0)).hasValue(0xfe00_0000L);
        assertThat(s.acsControl()).isEmpty();
        assertThat(s.pcieType()).isEmpty();
    }

    @Test
    @DisplayName("a capability list that loops or points into the header ends, as the kernel's walk ends")
    void capabilityLoop() {
        byte[] c = endpoint().conventionalPci().config();
        SysfsFixture.put16(c, 0x06, 0x10);
        c[0x34] = 0x40;
        c[0x40] = 0x05; // MSI
        c[0x41] = 0x40; // points to itself
        assertThat(ConfigSpaceParser.parse("config", c).pcieType()).isEmpty();
        c[0x41] = 0x10; // points into the header
        assertThat(ConfigSpaceParser.parse("config", c).pcieType()).isEmpty();
        byte[] ext = endpoint().config();
        SysfsFixture.put32(ext, 0x100, 0x0001 | 0x100 << 20); // AER pointing to itself
        assertThat(ConfigSpaceParser.parse("config", ext).acsControl()).isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 63})
    @DisplayName("rejects a file shorter than the 64-byte header, naming the file")
    void truncated(int n) {
        assertThatThrownBy(() -> ConfigSpaceParser.parse("/s/0000:00:01.0/config", new byte[n]))
                .isInstanceOf(MalformedSysfsFileException.class)
                .hasMessage("/s/0000:00:01.0/config: is truncated: " + n + " bytes, the configuration header alone has 64");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {65, 100, 255, 257, 300, 4095, 4097, 8192})
    @DisplayName("rejects lengths the kernel never produces")
    void oddLength(int n) {
        byte[] b = new byte[n];
        b[0] = 0x34;
        assertThatThrownBy(() -> ConfigSpaceParser.parse("config", b))
                .isInstanceOf(MalformedSysfsFileException.class)
                .hasMessageStartingWith("config: has " + n + " bytes;");
    }

    @Test
    @DisplayName("rejects an all-ones vendor ID, an unknown header type, and 128 bytes of a non-CardBus function")
    void badContent() {
        byte[] gone = new byte[256];
        Arrays.fill(gone, (byte) 0xff);
        assertThatThrownBy(() -> ConfigSpaceParser.parse("config", gone)).hasMessageContaining("vendor ID reads 0xffff");
        byte[] type5 = new byte[256];
        type5[0x0e] = (byte) 0x85;
        assertThatThrownBy(() -> ConfigSpaceParser.parse("config", type5)).hasMessageContaining("header type 5 is not 0");
        assertThatThrownBy(() -> ConfigSpaceParser.parse("config", new byte[128])).hasMessageContaining("not a CardBus bridge");
        byte[] cardbus = new byte[128];
        cardbus[0x0e] = 2;
        assertThat(ConfigSpaceParser.parse("config", cardbus).barCount()).isZero();
    }
}
