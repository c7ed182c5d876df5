package dev.iomem.core.pci;

import dev.iomem.api.pci.P2pMapType;
import dev.iomem.api.pci.P2pRoute;
import dev.iomem.api.pci.PciAddress;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("P2P routing like the kernel's calc_map_type_and_dist")
class P2pRoutingTest {

    @TempDir
    Path dir;

    static PciAddress a(String s) {
        return PciAddress.parse(s);
    }

    /** Root port 00:01.0, switch upstream port 01:00.0, downstream ports 02:00.0 and 02:01.0, endpoints 03:00.0 and 04:00.0. */
    private SysfsFixture switchTree(String cpu, Integer downstreamAcs) {
        SysfsFixture fx = new SysfsFixture(dir, cpu);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x0d57, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:01.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0").bridge(ConfigSpace.PCIE_TYPE_UPSTREAM).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:00.0").bridge(ConfigSpace.PCIE_TYPE_DOWNSTREAM).create();
        SysfsFixture.Function dsp1 = fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:01.0").bridge(ConfigSpace.PCIE_TYPE_DOWNSTREAM);
        if (downstreamAcs != null) {
            dsp1.acs(downstreamAcs);
        }
        dsp1.create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:00.0", "0000:03:00.0")
                .ids(0x144d, 0xa808, 0x010802).bar(0, 0xfc00_0000L, 0x4000, SysfsFixture.MEM64).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:01.0", "0000:04:00.0")
                .ids(0x15b3, 0x101b, 0x020700).bar(0, 0x80_0000_0000L, 0x200_0000, SysfsFixture.MEM64_PREFETCH).create();
        return fx;
    }

    /** Two root ports 00:01.0 and 00:02.0 with an endpoint each, below a host bridge function 00:00.0 of the given ids. */
    private SysfsFixture twoRootPorts(String cpu, int hostVendor, int hostDevice) {
        SysfsFixture fx = new SysfsFixture(dir, cpu);
        fx.function("pci0000:00", "0000:00:00.0").ids(hostVendor, hostDevice, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:01.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:02.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0").bar(0, 0xfc00_0000L, 0x4000, SysfsFixture.MEM64).create();
        fx.function("pci0000:00", "0000:00:02.0", "0000:02:00.0").bar(0, 0xfd00_0000L, 0x4000, SysfsFixture.MEM64).create();
        return fx;
    }

    @Test
    @DisplayName("two endpoints below one PCIe switch: BUS_ADDR at distance 4, whatever the CPU")
    void pcieSwitch() {
        SysfsPciTopology t = switchTree(SysfsFixture.INTEL, null).open();
        P2pRoute r = t.route(a("0000:03:00.0"), a("0000:04:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.BUS_ADDR);
        assertThat(r.distance()).isEqualTo(4);
        assertThat(r.reason()).isEqualTo("common upstream bridge 0000:01:00.0 (distance 4); no ACS redirect on the path, so the client uses PCI bus addresses");
        assertThat(r.provider()).isEqualTo(a("0000:03:00.0"));
        assertThat(r.client()).isEqualTo(a("0000:04:00.0"));
        P2pRoute toPort = t.route(a("0000:03:00.0"), a("0000:02:01.0"));
        assertThat(toPort.distance()).as("03:00.0 -> 02:00.0 -> 01:00.0 <- 02:01.0").isEqualTo(3);
    }

    @Test
    @DisplayName("a function and itself: BUS_ADDR at distance 0")
    void sameFunction() {
        P2pRoute r = switchTree(SysfsFixture.INTEL, null).open().route(a("0000:03:00.0"), a("0000:03:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.BUS_ADDR);
        assertThat(r.distance()).isZero();
        assertThat(r.reason()).startsWith("same function (distance 0)");
    }

    @Test
    @DisplayName("ACS redirect on a downstream port sends switch traffic through the host bridge: allowed on AMD Zen")
    void acsRedirectOnAmd() {
        SysfsPciTopology t = switchTree(SysfsFixture.AMD_ZEN3, ConfigSpace.ACS_SV | ConfigSpace.ACS_RR | ConfigSpace.ACS_CR | ConfigSpace.ACS_UF).open();
        P2pRoute r = t.route(a("0000:03:00.0"), a("0000:04:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        assertThat(r.distance()).isEqualTo(4);
        assertThat(r.reason()).contains("ACS redirect (RR|CR|EC) is set at 0000:02:01.0", "AMD CPU rule", "AuthenticAMD family 0x19");
    }

    @Test
    @DisplayName("ACS egress control alone also counts, and with an Intel CPU and a host bridge off the whitelist it is NOT_SUPPORTED")
    void acsEgressOnIntel() {
        SysfsPciTopology t = switchTree(SysfsFixture.INTEL, ConfigSpace.ACS_EC).open();
        P2pRoute r = t.route(a("0000:04:00.0"), a("0000:03:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.NOT_SUPPORTED);
        assertThat(r.distance()).isEqualTo(-1);
        assertThat(r.reason()).contains("ACS redirect (RR|CR|EC) is set at 0000:02:01.0",
                "the AMD CPU rule does not apply (GenuineIntel family 0x6",
                "host bridge pci0000:00 (0000:00:00.0, 8086:0d57) is not on the kernel's P2PDMA whitelist");
    }

    @Test
    @DisplayName("ACS bits that do not redirect (SV, TB, UF, DT) leave the route on the bus")
    void acsWithoutRedirect() {
        SysfsPciTopology t = switchTree(SysfsFixture.INTEL, ConfigSpace.ACS_SV | ConfigSpace.ACS_TB | ConfigSpace.ACS_UF | ConfigSpace.ACS_DT).open();
        assertThat(t.route(a("0000:03:00.0"), a("0000:04:00.0")).mapType()).isEqualTo(P2pMapType.BUS_ADDR);
    }

    @Test
    @DisplayName("two root ports on an AMD Zen host: THRU_HOST_BRIDGE at distance 4, by the AMD CPU rule")
    void amdRootPorts() {
        P2pRoute r = twoRootPorts(SysfsFixture.AMD_ZEN3, 0x1022, 0x1480).open().route(a("0000:01:00.0"), a("0000:02:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        assertThat(r.distance()).isEqualTo(4);
        assertThat(r.reason()).isEqualTo("no common upstream bridge (0000:01:00.0 -> 0000:00:01.0 -> pci0000:00 and "
                + "0000:02:00.0 -> 0000:00:02.0 -> pci0000:00), so the traffic goes through the host bridge; "
                + "allowed by the AMD CPU rule: AuthenticAMD family 0x19 >= 0x17 (Zen or newer, cpu_supports_p2pdma)");
    }

    @Test
    @DisplayName("an AMD CPU before Zen (family 0x10) gets no help from the AMD CPU rule")
    void amdBeforeZen() {
        P2pRoute r = twoRootPorts(SysfsFixture.AMD_K10, 0x1022, 0x9600).open().route(a("0000:01:00.0"), a("0000:02:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.NOT_SUPPORTED);
        assertThat(r.reason()).contains("AuthenticAMD family 0x10, needs AuthenticAMD family >= 0x17");
    }

    @Test
    @DisplayName("an Intel host bridge that is not on the whitelist: NOT_SUPPORTED, distance -1, naming the host bridge")
    void intelNotWhitelisted() {
        P2pRoute r = twoRootPorts(SysfsFixture.INTEL, 0x8086, 0x0d57).open().route(a("0000:01:00.0"), a("0000:02:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.NOT_SUPPORTED);
        assertThat(r.distance()).isEqualTo(-1);
        assertThat(r.reason()).contains("no common upstream bridge",
                "host bridge pci0000:00 (0000:00:00.0, 8086:0d57) is not on the kernel's P2PDMA whitelist");
    }

    @Test
    @DisplayName("an Intel Skylake-E host bridge on the whitelist: THRU_HOST_BRIDGE by the whitelist")
    void intelWhitelisted() {
        P2pRoute r = twoRootPorts(SysfsFixture.INTEL, 0x8086, 0x2020).open().route(a("0000:01:00.0"), a("0000:02:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        assertThat(r.distance()).isEqualTo(4);
        assertThat(r.reason()).contains("allowed by the host bridge whitelist: host bridge pci0000:00 (0000:00:00.0, 8086:2020, Intel Skylake-E) is on it");
    }

    @Test
    @DisplayName("a whitelisted Xeon E5 host bridge allows peers only under the same host bridge")
    void sameHostBridgeOnly() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x3c00, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:01.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:02.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:01.0", "0000:01:00.0").create();
        fx.function("pci0000:00", "0000:00:02.0", "0000:02:00.0").create();
        fx.function("pci0000:80", "0000:80:00.0").ids(0x8086, 0x3c00, 0x060000).conventionalPci().create();
        fx.function("pci0000:80", "0000:80:01.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:80", "0000:80:01.0", "0000:81:00.0").create();
        SysfsPciTopology t = fx.open();
        assertThat(t.route(a("0000:01:00.0"), a("0000:02:00.0")).mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        P2pRoute across = t.route(a("0000:01:00.0"), a("0000:81:00.0"));
        assertThat(across.mapType()).isEqualTo(P2pMapType.NOT_SUPPORTED);
        assertThat(across.reason()).contains("is whitelisted only for peers under the same host bridge");
    }

    @Test
    @DisplayName("a Skylake root port that is first on its root bus (no 00.0 function) is what the whitelist matches")
    void rootPortAsHostBridgeDevice() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:17", "0000:17:00.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).ids(0x8086, 0x2030, 0x060400).create();
        fx.function("pci0000:17", "0000:17:00.0", "0000:18:00.0").create();
        fx.function("pci0000:3a", "0000:3a:02.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).ids(0x8086, 0x2032, 0x060400).create();
        fx.function("pci0000:3a", "0000:3a:02.0", "0000:3b:00.0").create();
        fx.function("pci0000:5d", "0000:5d:05.0").ids(0x8086, 0x2034, 0x088000).conventionalPci().create();
        fx.function("pci0000:5d", "0000:5d:06.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).ids(0x8086, 0x2030, 0x060400).create();
        fx.function("pci0000:5d", "0000:5d:06.0", "0000:5e:00.0").create();
        SysfsPciTopology t = fx.open();
        P2pRoute r = t.route(a("0000:18:00.0"), a("0000:3b:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        assertThat(r.reason()).contains("pci0000:17 (0000:17:00.0, 8086:2030", "pci0000:3a (0000:3a:02.0, 8086:2032");
        P2pRoute none = t.route(a("0000:18:00.0"), a("0000:5e:00.0"));
        assertThat(none.mapType()).as("5d:05.0 is first, neither 00.0 nor a root port").isEqualTo(P2pMapType.NOT_SUPPORTED);
        assertThat(none.reason()).contains("host bridge pci0000:5d has no devfn 00.0 or root port first on its root bus");
    }

    @Test
    @DisplayName("two functions of a multi-function device below a root port: BUS_ADDR at distance 2")
    void multiFunction() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x0d57, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:1c.0").bridge(ConfigSpace.PCIE_TYPE_ROOT_PORT).create();
        fx.function("pci0000:00", "0000:00:1c.0", "0000:01:00.0").ids(0x8086, 0x1572, 0x020000).create();
        fx.function("pci0000:00", "0000:00:1c.0", "0000:01:00.1").ids(0x8086, 0x1572, 0x020000).create();
        P2pRoute r = fx.open().route(a("0000:01:00.1"), a("0000:01:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.BUS_ADDR);
        assertThat(r.distance()).isEqualTo(2);
        assertThat(r.reason()).startsWith("functions of one device below common upstream bridge 0000:00:1c.0 (distance 2)");
    }

    @Test
    @DisplayName("functions on the root bus share no upstream bridge: distance 2 through the host bridge (this machine's case)")
    void rootBus() {
        SysfsFixture fx = new SysfsFixture(dir, SysfsFixture.AMD_ZEN3);
        fx.function("pci0000:00", "0000:00:00.0").ids(0x8086, 0x0d57, 0x060000).conventionalPci().create();
        fx.function("pci0000:00", "0000:00:01.0").conventionalPci().create();
        fx.function("pci0000:00", "0000:00:02.0").conventionalPci().create();
        P2pRoute r = fx.open().route(a("0000:00:01.0"), a("0000:00:02.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        assertThat(r.distance()).isEqualTo(2);
        assertThat(r.reason()).contains("AMD CPU rule");
    }

    @Test
    @DisplayName("an ACS state that could not be read (64-byte config) keeps a switch route off BUS_ADDR and says why")
    void unknownAcs() throws Exception {
        SysfsFixture fx = switchTree(SysfsFixture.AMD_ZEN3, null);
        Path cfg = fx.root.resolve("0000:02:01.0/config");
        byte[] full = java.nio.file.Files.readAllBytes(cfg);
        java.nio.file.Files.write(cfg, Arrays.copyOf(full, 64));
        P2pRoute r = fx.open().route(a("0000:03:00.0"), a("0000:04:00.0"));
        assertThat(r.mapType()).isEqualTo(P2pMapType.THRU_HOST_BRIDGE);
        assertThat(r.reason()).contains("the ACS state of 0000:02:01.0 is unknown", "needs root");
    }

    @Test
    @DisplayName("routes are cached: the same object comes back for the same pair")
    void cached() {
        SysfsPciTopology t = switchTree(SysfsFixture.INTEL, null).open();
        P2pRoute first = t.route(a("0000:03:00.0"), a("0000:04:00.0"));
        assertThat(t.route(a("0000:03:00.0"), a("0000:04:00.0"))).isSameAs(first);
        assertThat(t.route(a("0000:04:00.0"), a("0000:03:00.0"))).isNotSameAs(first);
    }

    @Test
    @DisplayName("a function that does not exist is an IllegalArgumentException naming it")
    void unknownFunction() {
        SysfsPciTopology t = switchTree(SysfsFixture.INTEL, null).open();
        assertThatThrownBy(() -> t.route(a("0000:09:00.0"), a("0000:03:00.0"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the provider 0000:09:00.0 is not a PCI function of this machine");
        assertThatThrownBy(() -> t.route(a("0000:03:00.0"), a("0000:09:00.0"))).hasMessage("the client 0000:09:00.0 is not a PCI function of this machine");
    }
}
