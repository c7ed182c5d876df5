package dev.iomem.core.pci;

import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("SysfsPciTopology on fixture trees")
class SysfsPciTopologyTest {

    @TempDir
    Path dir;

    static PciAddress a(String s) {
        return PciAddress.parse(s);
    }

    @Test
    @DisplayName("reads ids, class, driver, IOMMU group, NUMA node, BARs, and the bridge chain from the canonical path")
    void readsAFunction() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x0d57, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:1c.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).ids(0x8086, 0xa110, 0x060400).iommuGroup(3).create();
        fx.function("pci0000:00", "0000:00:1c.0", "0000:01:00.0").ids(0x10de, 0x2204, 0x030000).driver("vfio-pci")
                .iommuGroup(12).numa("1")
                .bar(0, 0xe000, 0x80, SysfsFixture.IO)
                .bar(1, 0xfb00_0000L, 0x100_0000, SysfsFixture.MEM32)
                .bar(2, 0x60_0000_0000L, 0x10_0000_0000L, SysfsFixture.MEM64_PREFETCH).create();

        SysfsPciTopology t = fx.open();
        assertThat(t.devices()).extracting(PciDevice::address).containsExactly(a("0000:00:00.0"), a("0000:00:1c.0"), a("0000:01:00.0"));
        PciDevice d = t.device(a("0000:01:00.0")).orElseThrow();
        assertThat(d.vendorId()).isEqualTo(0x10de);
        assertThat(d.deviceId()).isEqualTo(0x2204);
        assertThat(d.classCode()).isEqualTo(0x030000);
        assertThat(d.driver()).hasValue("vfio-pci");
        assertThat(d.iommuGroup()).hasValue(12);
        assertThat(d.numaNode()).hasValue(1);
        assertThat(d.hostBridge()).isEqualTo("pci0000:00");
        assertThat(d.upstreamBridges()).containsExactly(a("0000:00:1c.0"));
        assertThat(d.isBridge()).isFalse();
        assertThat(d.bar(0).isIo()).isTrue();
        assertThat(d.bar(1).is64Bit()).isFalse();
        assertThat(d.bar(1).size()).isEqualTo(16 << 20);
        assertThat(d.bar(2).is64Bit()).isTrue();
        assertThat(d.bar(2).isPrefetchable()).isTrue();
        assertThat(d.bars().get(3).present()).isFalse();

        PciDevice host = t.device(a("0000:00:00.0")).orElseThrow();
        assertThat(host.driver()).isEmpty();
        assertThat(host.iommuGroup()).isEmpty();
        assertThat(host.numaNode()).as("-1 means unknown").isEmpty();
        assertThat(host.upstreamBridges()).isEmpty();
        assertThat(t.device(a("0000:02:00.0"))).isEmpty();
        assertThat(t.cpu().vendor()).isEqualTo("GenuineIntel");
        assertThat(t.functionDirectory(a("0000:01:00.0"))).isEqualTo(fx.root.resolve("0000:01:00.0"));
    }

    @Test
    @DisplayName("bus address and bus offset come from the BAR registers: bus = CPU + offset")
    void busOffset() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:02.0").bar(0, 0x40_0000_0000L, 0x1000, SysfsFixture.MEM64, 0x8000_0000L)
                .bar(2, 0xc000_0000L, 0x1000, SysfsFixture.MEM32).create();
        SysfsPciTopology t = fx.open();
        assertThat(t.busAddress(a("0000:00:02.0"), 0)).isEqualTo(0x8000_0000L);
        assertThat(t.busOffset(a("0000:00:02.0"), 0)).isEqualTo(0x8000_0000L - 0x40_0000_0000L);
        assertThat(0x40_0000_0000L + 0x10 + t.busOffset(a("0000:00:02.0"), 0)).isEqualTo(0x8000_0010L);
        assertThat(t.busOffset(a("0000:00:02.0"), 2)).isZero();
        assertThatThrownBy(() -> t.busOffset(a("0000:00:02.0"), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:00:02.0 has no BAR 1");
        assertThatThrownBy(() -> t.busOffset(a("0000:00:09.0"), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PCI function 0000:00:09.0");
    }

    @Test
    @DisplayName("a BAR register that reads 0 (an SR-IOV VF) gives a clear error instead of a wrong bus address")
    void vfBusAddress() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        SysfsFixture.Function vf = fx.function("pci0000:00", "0000:00:02.1").bar(0, 0x40_0000_0000L, 0x1000, SysfsFixture.MEM64);
        byte[] config = vf.config();
        Arrays.fill(config, 0x10, 0x28, (byte) 0);
        vf.configBytes(config).create();
        assertThatThrownBy(() -> fx.open().busAddress(a("0000:00:02.1"), 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0000:00:02.1 BAR 0: its bus address cannot be read").hasMessageContaining("SR-IOV");
    }

    @Test
    @DisplayName("a malformed resource file fails with the file's path in the message")
    void malformedResource() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:03.0").resourceText("0x0000000000000000 0x0000000000000000\n").create();
        assertThatThrownBy(fx::open).isInstanceOf(MalformedSysfsFileException.class)
                .hasMessageStartingWith(fx.root.resolve("0000:00:03.0/resource") + ": line 1 has 37 characters");
    }

    @Test
    @DisplayName("a truncated config file fails with the file's path in the message")
    void truncatedConfig() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:03.0").configBytes(new byte[40]).create();
        assertThatThrownBy(fx::open).isInstanceOf(MalformedSysfsFileException.class)
                .hasMessage(fx.root.resolve("0000:00:03.0/config") + ": is truncated: 40 bytes, the configuration header alone has 64");
    }

    @Test
    @DisplayName("malformed vendor, class and numa_node files and a bad IOMMU group link fail naming the file")
    void malformedAttributes() throws Exception {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        Path d = fx.function("pci0000:00", "0000:00:03.0").create();
        Files.writeString(d.resolve("vendor"), "0x10z4\n");
        assertThatThrownBy(fx::open).hasMessage(d.resolve("vendor").toString().replace(d.toString(), fx.root.resolve("0000:00:03.0").toString())
                + ": 'z' is not a hex digit");
        Files.writeString(d.resolve("vendor"), "0x1af4");
        assertThatThrownBy(fx::open).hasMessageEndingWith("vendor: is truncated: no newline at the end");
        Files.writeString(d.resolve("vendor"), "0x1af4\n");
        Files.writeString(d.resolve("class"), "0x1000000\n");
        assertThatThrownBy(fx::open).hasMessageEndingWith("class: value 0x1000000 exceeds 0xffffff");
        Files.writeString(d.resolve("class"), "0x020000\n");
        Files.writeString(d.resolve("numa_node"), "one\n");
        assertThatThrownBy(fx::open).hasMessageEndingWith("numa_node: expected a decimal number, found \"one\"");
        Files.writeString(d.resolve("numa_node"), "0\n");
        Files.createSymbolicLink(d.resolve("iommu_group"), Path.of("../../../kernel/iommu_groups/x1"));
        assertThatThrownBy(fx::open).hasMessageEndingWith("iommu_group: expected a group number, found \"x1\"");
    }

    @Test
    @DisplayName("a missing attribute file is an I/O error naming it")
    void missingFile() throws Exception {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        Path d = fx.function("pci0000:00", "0000:00:03.0").create();
        Files.delete(d.resolve("resource"));
        assertThatThrownBy(fx::open).isInstanceOf(UncheckedIOException.class).hasMessageContaining("0000:00:03.0/resource: missing");
    }

    @Test
    @DisplayName("entries that are not canonical addresses are skipped and listed, never turned into paths")
    void ignoredEntries() throws Exception {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:03.0").create();
        Files.createDirectories(fx.root.resolve("10000:e0:06.0"));
        Files.createDirectories(fx.root.resolve("0000:00:1F.0"));
        Files.createDirectories(fx.root.resolve(".."  + "x"));
        SysfsPciTopology t = fx.open();
        assertThat(t.devices()).hasSize(1);
        assertThat(t.ignoredEntries()).containsExactly("..x", "0000:00:1F.0", "10000:e0:06.0");
    }

    @Test
    @DisplayName("a canonical path with a foreign component or no host bridge is rejected")
    void badCanonicalPath() throws Exception {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        Path real = dir.resolve("sys/devices/platform/0000:00:05.0");
        Files.createDirectories(real);
        Files.createSymbolicLink(fx.root.resolve("0000:00:05.0"), real);
        SysfsFixture.Function f = fx.function("pci0000:00", "0000:00:05.0");
        Files.writeString(real.resolve("vendor"), "0x1af4\n");
        Files.writeString(real.resolve("device"), "0x1041\n");
        Files.writeString(real.resolve("class"), "0x020000\n");
        Files.writeString(real.resolve("resource"), f.resourceText());
        Files.write(real.resolve("config"), f.config());
        assertThatThrownBy(fx::open).isInstanceOf(MalformedSysfsFileException.class)
                .hasMessageContaining("has \"platform\" where a bridge address or host bridge (pciDDDD:BB) belongs");
    }

    @Test
    @DisplayName("a root that is not a directory fails with one clear error")
    void badRoot() {
        assertThatThrownBy(() -> SysfsPciTopology.open(dir.resolve("nope"), dir.resolve("cpuinfo")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("nope: not a directory of PCI functions");
    }

    @Test
    @DisplayName("the BAR list always has six entries, index 0 to 5")
    void sixBars() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:03.0").bar(4, 0xf000_0000L, 0x4000, SysfsFixture.MEM32).create();
        List<Bar> bars = fx.open().device(a("0000:00:03.0")).orElseThrow().bars();
        assertThat(bars).extracting(Bar::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(bars).filteredOn(Bar::present).extracting(Bar::index).containsExactly(4);
    }
}
