package dev.iomem.core.pci;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.dma.PagemapDmaMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("mapPciBar (sgl_dma_map_pci_bar) routed through the PCI topology")
class PeerBarMappingTest {

    @TempDir
    Path dir;

    private static PciAddress a(String s) {
        return PciAddress.parse(s);
    }

    /** A switch with two endpoints; 04:00.0's BAR 0 sits at CPU 0x80_0000_0000 but bus 0x4000_0000. */
    private SysfsPciTopology switchTree() {
        SysfsFixture fx = new SysfsFixture(dir.resolve("switch"), SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x0d57, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:01.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0").bridge(ConfigSpace.PCIE_TYPE_UPSTREAM).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:00.0").bridge(ConfigSpace.PCIE_TYPE_DOWNSTREAM).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:01.0").bridge(ConfigSpace.PCIE_TYPE_DOWNSTREAM).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:00.0", "0000:03:00.0")
                .ids(0x144d, 0xa808, 0x010802).bar(0, 0xfc00_0000L, 0x4000, SysfsFixture.MEM64).bar(2, 0xe000, 0x100, SysfsFixture.IO).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:01.0", "0000:04:00.0")
                .ids(0x15b3, 0x101b, 0x020700).bar(0, 0x80_0000_0000L, 0x200_0000, SysfsFixture.MEM64_PREFETCH, 0x4000_0000L).create();
        return fx.open();
    }

    private SysfsPciTopology twoRootPorts(String cpu) {
        SysfsFixture fx = new SysfsFixture(dir.resolve("roots"), cpu);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x0d57, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:01.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:02.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0").bar(0, 0xfc00_0000L, 0x4000, SysfsFixture.MEM64).create();
        fx.function("pci0000:00", "0000:00:02.0", "0000:02:00.0").bar(0, 0x1_0000_0000L, 0x40_0000, SysfsFixture.MEM64).create();
        return fx.open();
    }

    @Test
    @DisplayName("through a switch: PCI_BUS addresses, bus address = CPU address + the bus offset from config space")
    void busAddresses() {
        try (DmaOnlySgTable t = PagemapDmaMapper.create().mapPciBar(switchTree(), a("0000:04:00.0"), 0, 0x1000, 0x3000,
                a("0000:03:00.0"), DmaConstraints.UNRESTRICTED)) {
            assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.PCI_BUS);
            assertThat(t.targetIsMmio()).isTrue();
            assertThat(t.device()).contains(a("0000:03:00.0"));
            assertThat(t.segmentCount()).isEqualTo(1);
            assertThat(t.dmaAddress(0)).isEqualTo(0x4000_1000L);
            assertThat(t.length(0)).isEqualTo(0x3000);
        }
    }

    @Test
    @DisplayName("segments split at the maximum segment size and at the boundary")
    void splits() {
        DmaConstraints c = DmaConstraints.UNRESTRICTED.withMaxSegmentSize(0x1000).withBoundaryMask(0x7fff);
        try (DmaOnlySgTable t = PagemapDmaMapper.create().mapPciBar(switchTree(), a("0000:04:00.0"), 0, 0x7800, 0x2000,
                a("0000:03:00.0"), c)) {
            assertThat(t.totalLength()).isEqualTo(0x2000);
            assertThat(t.segmentCount()).isEqualTo(3);
            assertThat(t.dmaAddress(0)).isEqualTo(0x4000_7800L);
            assertThat(t.length(0)).isEqualTo(0x800);      // up to the 32 KiB boundary
            assertThat(t.length(1)).isEqualTo(0x1000);     // max segment
            assertThat(t.length(2)).isEqualTo(0x800);
        }
    }

    @Test
    @DisplayName("through the host bridge on AMD Zen, without an IOMMU: PHYSICAL CPU addresses of the BAR")
    void thruHostBridge() {
        try (DmaOnlySgTable t = PagemapDmaMapper.create().mapPciBar(twoRootPorts(SysfsFixture.AMD_ZEN3), a("0000:02:00.0"), 0, 0x10, 0x100,
                a("0000:01:00.0"), DmaConstraints.UNRESTRICTED)) {
            assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
            assertThat(t.dmaAddress(0)).isEqualTo(0x1_0000_0010L);
        }
    }

    @Test
    @DisplayName("MMIO cannot bounce: a BAR above the DMA mask is an error, not a truncated address")
    void maskIsAnError() {
        assertThatThrownBy(() -> PagemapDmaMapper.create().mapPciBar(twoRootPorts(SysfsFixture.AMD_ZEN3), a("0000:02:00.0"), 0, 0, 0x100,
                a("0000:01:00.0"), DmaConstraints.UNRESTRICTED.withAddressBits(32)))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("mask");
    }

    @Test
    @DisplayName("an Intel host bridge off the whitelist: refused, naming the route and its reason")
    void notSupported() {
        assertThatThrownBy(() -> PagemapDmaMapper.create().mapPciBar(twoRootPorts(SysfsFixture.INTEL), a("0000:02:00.0"), 0, 0, 0x100,
                a("0000:01:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(DmaMappingException.class)
                .hasMessageStartingWith("no peer-to-peer route from 0000:01:00.0 to 0000:02:00.0 BAR 0: ")
                .hasMessageContaining("whitelist");
    }

    @Test
    @DisplayName("bad BARs and ranges are refused before anything is built")
    void badArguments() {
        SysfsPciTopology t = switchTree();
        PagemapDmaMapper m = PagemapDmaMapper.create();
        assertThatThrownBy(() -> m.mapPciBar(t, a("0000:03:00.0"), 6, 0, 1, a("0000:04:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 5");
        assertThatThrownBy(() -> m.mapPciBar(t, a("0000:03:00.0"), 2, 0, 1, a("0000:04:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("I/O port space");
        assertThatThrownBy(() -> m.mapPciBar(t, a("0000:03:00.0"), 1, 0, 1, a("0000:04:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no BAR 1");
        assertThatThrownBy(() -> m.mapPciBar(t, a("0000:03:00.0"), 0, 0x3000, 0x1001, a("0000:04:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> m.mapPciBar(t, a("0000:03:00.0"), 0, Long.MAX_VALUE, 2, a("0000:04:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> m.mapPciBar(t, a("0000:09:00.0"), 0, 0, 1, a("0000:04:00.0"), DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PCI function 0000:09:00.0");
    }

    @Test
    @DisplayName("on this machine's real sysfs, virtio BAR 0 for a peer maps through the host bridge by the AMD rule, or is refused on another CPU")
    void realMachine() {
        SysfsPciTopology real = SysfsPciTopology.system();
        org.junit.jupiter.api.Assumptions.assumeTrue(real.device(a("0000:00:02.0")).isPresent() && real.device(a("0000:00:01.0")).isPresent(),
                "not the project's machine (no 0000:00:01.0 and 0000:00:02.0)");
        if (!real.cpu().supportsP2pThroughHostBridge()) {
            assertThatThrownBy(() -> PagemapDmaMapper.create().mapPciBar(a("0000:00:02.0"), 0, 0, 0x1000, a("0000:00:01.0"), DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(dev.iomem.api.dma.DmaMappingException.class).hasMessageContaining("the AMD CPU rule does not apply");
            return;
        }
        try (DmaOnlySgTable t = PagemapDmaMapper.create().mapPciBar(a("0000:00:02.0"), 0, 0, 0x1000, a("0000:00:01.0"),
                DmaConstraints.UNRESTRICTED)) {
            assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
            assertThat(t.dmaAddress(0)).isEqualTo(real.device(a("0000:00:02.0")).orElseThrow().bar(0).start());
        }
    }
}
