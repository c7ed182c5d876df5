package dev.iomem.lab.guest;

import dev.iomem.api.pci.PciAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code iomem probe} and {@code iomem devices} on a real kernel with emulated PCI functions. */
@DisplayName("iomem probe and devices in the guest")
class PlatformInGuestTest {

    @Test
    @DisplayName("probe chooses this architecture's backend natively")
    void probeChoosesTheNativeBackend() {
        LabGuest.CliRun run = LabGuest.iomem("probe", "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"chosen\":{\"name\":\"" + LabGuest.arch() + "\"").contains("\"native\":true");
    }

    @Test
    @DisplayName("probe says the arm64 barrier stubs are live and the s390x syscall bus is used")
    void probeNamesTheMechanism() {
        String out = LabGuest.iomem("probe").out();
        switch (LabGuest.arch()) {
            case "aarch64" -> assertThat(out).containsIgnoringCase("stub").doesNotContainIgnoringCase("degraded");
            case "s390x" -> assertThat(out).contains("s390_pci_mmio_read/write system calls");
            default -> assertThat(out).contains("x86_64   available");
        }
    }

    // Tagged vfio: the --iommu run selects only what is tagged vfio, the other run everything else.
    @Test
    @Tag("vfio")
    @DisplayName("booted with --iommu, the kernel registered an IOMMU (and on x86-64 put the NVMe controller in a group)")
    void iommuWhenAsked() {
        assumeTrue(LabGuest.iommu(), "booted without --iommu");
        String[] iommus = Path.of("/sys/class/iommu").toFile().list();
        assertThat(iommus).as("/sys/class/iommu").isNotNull().isNotEmpty();
        // With a device tree (arm64 booted with -kernel), a function gets its IOMMU group when a
        // driver binds it (of_dma_configure at probe); the lab's functions have none. x86-64's
        // intel-iommu groups every function at boot.
        if (LabGuest.arch().equals("x86_64")) {
            assertThat(LabGuest.sysfs(LabGuest.nvme()).resolve("iommu_group")).as("the NVMe controller's group").exists();
            String json = LabGuest.iomem("devices", "--json").out();
            String nvme = json.substring(json.indexOf("\"address\":\"" + LabGuest.nvme() + "\""));
            assertThat(nvme.substring(nvme.indexOf("\"iommuGroup\":"))).as("iomem devices names the group")
                    .doesNotStartWith("\"iommuGroup\":null");
        }
    }

    @Test
    @DisplayName("devices --json lists the NVMe controller and edu with their BARs as sysfs shows them")
    void devicesListsTheEmulatedFunctions() throws Exception {
        LabGuest.CliRun run = LabGuest.iomem("devices", "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        List<PciAddress> expected = LabGuest.hasEdu() ? List.of(LabGuest.nvme(), LabGuest.edu()) : List.of(LabGuest.nvme());
        for (PciAddress a : expected) {
            assertThat(run.out()).contains("\"address\":\"" + a + "\"");
            // Every memory BAR's start, as the kernel's resource file has it, is in the listing.
            List<String> lines = Files.readAllLines(LabGuest.sysfs(a).resolve("resource"));
            for (int bar = 0; bar < 6; bar++) {
                String[] f = lines.get(bar).trim().split("\\s+");
                long start = Long.decode(f[0]);
                long end = Long.decode(f[1]);
                if (start == 0 && end == 0) {
                    continue;
                }
                assertThat(run.out()).as("BAR %d of %s", bar, a)
                        .contains(String.format("{\"index\":%d,\"start\":\"0x%016x\",\"end\":\"0x%016x\"", bar, start, end));
            }
        }
        assertThat(Files.exists(Path.of("/sys/bus/pci/devices", LabGuest.nvme().toString(), "resource2"))).isTrue();
    }
}
