package dev.iomem.core.pci;

import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.P2pMapType;
import dev.iomem.api.pci.P2pRoute;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("SysfsPciTopology on this machine's real /sys")
class RealSysfsTest {

    private static SysfsPciTopology topology;

    @BeforeAll
    static void open() {
        assumeTrue(Files.isDirectory(SysfsPciTopology.DEFAULT_ROOT), "no /sys/bus/pci/devices here");
        topology = SysfsPciTopology.system();
    }

    /** Whether this is the project's machine: an Intel 8086:0d57 host bridge and five virtio functions. */
    private static boolean projectMachine() {
        return topology.device(PciAddress.parse("0000:00:00.0")).map(d -> d.vendorId() == 0x8086 && d.deviceId() == 0x0d57).orElse(false)
                && topology.devices().stream().filter(d -> d.vendorId() == 0x1af4).count() == 5;
    }

    @Test
    @DisplayName("every function's BARs are exactly its resource file's first six lines")
    void barsMatchResource() throws Exception {
        assertThat(topology.devices()).isNotEmpty();
        for (PciDevice d : topology.devices()) {
            List<String> lines = Files.readAllLines(topology.functionDirectory(d.address()).resolve("resource"));
            for (Bar b : d.bars()) {
                assertThat(String.format("0x%016x 0x%016x 0x%016x", b.start(), b.end(), b.flags()))
                        .as(d.address() + " BAR " + b.index()).isEqualTo(lines.get(b.index()));
            }
            assertThat(d.hostBridge()).startsWith("pci");
        }
    }

    @Test
    @DisplayName("on this machine: six functions, the Intel 8086:0d57 host bridge and five virtio functions with one 64-bit BAR each")
    void sixFunctions() {
        assumeTrue(projectMachine(), "not the project's machine");
        assertThat(topology.devices()).hasSize(6);
        PciDevice host = topology.device(PciAddress.parse("0000:00:00.0")).orElseThrow();
        assertThat(host.isBridge()).isTrue();
        assertThat(host.bars()).noneMatch(Bar::present);
        for (PciDevice d : topology.devices().subList(1, 6)) {
            assertThat(d.vendorId()).isEqualTo(0x1af4);
            assertThat(d.driver()).hasValue("virtio-pci");
            assertThat(d.upstreamBridges()).isEmpty();
            assertThat(d.hostBridge()).isEqualTo("pci0000:00");
            Bar b = d.bar(0);
            assertThat(b.is64Bit()).isTrue();
            assertThat(b.isPrefetchable()).isFalse();
            assertThat(b.size()).isEqualTo(0x80000);
            assertThat(topology.busOffset(d.address(), 0)).as("no translation on this host").isZero();
        }
    }

    @Test
    @DisplayName("on this machine: virtio pairs route THRU_HOST_BRIDGE by the AMD CPU rule, or NOT_SUPPORTED on another CPU")
    void virtioRoutes() {
        assumeTrue(projectMachine(), "not the project's machine");
        P2pRoute r = topology.route(PciAddress.parse("0000:00:01.0"), PciAddress.parse("0000:00:02.0"));
        // The project's machines have come with AMD EPYC (family 0x19) and with Intel CPUs: the
        // route must follow whichever this one is, and say why.
        if (topology.cpu().supportsP2pThroughHostBridge()) {
            assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
            assertThat(r.distance()).isEqualTo(2);
            assertThat(r.reason()).contains("no common upstream bridge", "AMD CPU rule", "AuthenticAMD");
        } else {
            assertThat(r.mapType()).isEqualTo(P2pMapType.NOT_SUPPORTED);
            assertThat(r.reason()).contains("no common upstream bridge", "the AMD CPU rule does not apply", "whitelist");
        }
    }

    @Test
    @DisplayName("mapping a real BAR fails cleanly when the kernel offers no resourceN file")
    void noResourceFiles() {
        PciAddress virtio = PciAddress.parse("0000:00:01.0");
        assumeTrue(topology.device(virtio).isPresent() && !Files.exists(topology.functionDirectory(virtio).resolve("resource0")),
                "this kernel has resource0 files");
        SysfsBarMapper mapper = new SysfsBarMapper(topology);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> mapper.mapWhole(virtio, 0, MemoryType.DEVICE, true, arena)).isInstanceOf(BarMappingException.class)
                    .hasMessage("0000:00:01.0 BAR 0: " + Path.of("/sys/bus/pci/devices/0000:00:01.0/resource0")
                            + " does not exist (this kernel offers no mmap of this BAR through sysfs)");
        }
    }
}
