package dev.iomem.lab.guest;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.vfio.VfioBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NVMe example through VFIO, in the --iommu run on all three architectures: polling, MSI-X, the
 * SQ in the CMB, and two bad states the lab can provoke (a namespace too small, an error status).
 * The runs and the record of their blocks are {@link NvmeExampleInGuestTest}'s.
 */
@Tag("vfio")
@DisplayName("NVMe example through VFIO")
class NvmeExampleVfioInGuestTest {

    @BeforeAll
    static void bind() {
        NvmeExampleInGuestTest.exampleBuilt();
        assumeTrue(LabGuest.iommu(), "VFIO runs in the lab's IOMMU boot (lab/run --iommu)");
        PciAddress a = LabGuest.nvme();
        if (!VfioBinding.system().driver(a).equals(Optional.of(VfioBinding.VFIO_PCI))) {
            LabGuest.CliRun bind = LabGuest.iomem("vfio", "bind", a.toString());
            assertThat(bind.exit()).as("iomem vfio bind %s: %s", a, bind.err()).isZero();
        }
        // Every run in one call of the example (each run opens, drives and releases the controller
        // on its own).
        String dev = a.toString();
        Map<String, List<String>> plan = new LinkedHashMap<>();
        plan.put("vfio-polling", List.of("--vfio", dev, "--lba", "2048", "--blocks", "256", "--seed", "11"));
        plan.put("vfio-msix", List.of("--vfio", dev, "--msix", "--lba", "4096", "--blocks", "64", "--seed", "22"));
        plan.put("vfio-cmb-sq", List.of("--vfio", dev, "--cmb-sq", "--lba", "6144", "--blocks", "32", "--seed", "33"));
        plan.put("vfio-too-small", List.of("--vfio", dev, "--lba", "131000", "--blocks", "256", "--expect-exit", "1"));
        plan.put("vfio-error-status", List.of("--vfio", dev, "--nsid", "4096", "--expect-exit", "1"));
        try {
            runs = NvmeExampleInGuestTest.examples(plan);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError("the example did not run", e);
        }
    }

    private static Map<String, NvmeExampleInGuestTest.Run> runs = Map.of();

    private static NvmeExampleInGuestTest.Run run(String label) {
        assertThat(runs).as("the example's runs").containsKey(label);
        return runs.get(label);
    }

    @Test
    @DisplayName("polling: Identify, 256 blocks written with PRP lists and read back, shutdown, release")
    void polling() throws Exception {
        NvmeExampleInGuestTest.Run r = run("vfio-polling");
        NvmeExampleInGuestTest.passed("vfio-polling", r);
        assertThat(r.out()).contains("PRP1 + a PRP list").contains("DMA tables hold IOVAs");
    }

    @Test
    @DisplayName("MSI-X: the I/O completion queue's vector fires through an eventfd")
    void msix() throws Exception {
        NvmeExampleInGuestTest.Run r = run("vfio-msix");
        NvmeExampleInGuestTest.passed("vfio-msix", r);
        assertThat(r.out()).containsPattern("vector 1, which fired [1-9][0-9]* times");
    }

    @Test
    @DisplayName("a namespace smaller than the test asked for: a clear error and a clean release")
    void namespaceTooSmall() throws Exception {
        NvmeExampleInGuestTest.Run r = run("vfio-too-small");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("nvme: FAILED: NAMESPACE_TOO_SMALL: namespace 1 has 131072 blocks")
                .contains("nvme: released:").contains("(0 left)").doesNotContain("also:");
    }

    @Test
    @DisplayName("a command that completes with an error status (Identify of a namespace that does not exist): a clear error and a clean release")
    void errorStatus() throws Exception {
        NvmeExampleInGuestTest.Run r = run("vfio-error-status");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("nvme: FAILED: COMMAND_STATUS: Identify Namespace 4096 (opcode 0x06) completed with an error status: SCT 0x0, SC 0x0b, do not retry (invalid namespace or format)")
                .contains("nvme: released:").contains("(0 left)").doesNotContain("also:");
    }

    @Test
    @DisplayName("the I/O submission queue in the controller memory buffer, its address from mapPciBar")
    void sqInCmb() throws Exception {
        NvmeExampleInGuestTest.Run r = run("vfio-cmb-sq");
        if (LabGuest.arch().equals("s390x")) {
            // zPCI shows the guest no BAR addresses (the BAR registers read 0): no address exists
            // for the controller's own CMB, and mapPciBar says so.
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("nvme: FAILED: UNSUPPORTED: no SQ in the CMB: mapPciBar(")
                    .contains("its bus address cannot be read from configuration space")
                    .contains("nvme: released:").contains("(0 left)").doesNotContain("also:");
            return;
        }
        NvmeExampleInGuestTest.passed("vfio-cmb-sq", r);
        assertThat(r.out()).contains("SQ in the CMB").contains("(PCI_BUS)");
    }
}
