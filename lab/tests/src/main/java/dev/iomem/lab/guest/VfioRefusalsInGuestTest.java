package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.vfio.IrqType;
import dev.iomem.core.vfio.VfioBinding;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioException;
import dev.iomem.core.vfio.VfioInterrupts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The VFIO bad cases on a real kernel: each fails with one clear line and leaves this process
 * with the file descriptors and locked memory it had before ({@link ProcessResources}).
 */
@Tag("vfio")
@DisplayName("VFIO refusals: one clear line, nothing left open or locked")
class VfioRefusalsInGuestTest {

    @BeforeAll
    static void bindToVfio() {
        assumeTrue(LabGuest.iommu(), "VFIO runs in the lab's IOMMU boot (lab/run --iommu)");
        VfioBinding.system().bind(LabGuest.nvme(), true);
    }

    @Test
    @DisplayName("a device not bound to vfio-pci is refused before any file is opened")
    void notBound() {
        ProcessResources before = ProcessResources.now();
        PciAddress target;
        boolean rebind = false;
        if (LabGuest.hasEdu()) {
            target = PciAddress.parse(DmaInGuestTest.WIDE_SLOT); // the lab never binds the second edu
        } else {
            target = LabGuest.nvme();
            VfioBinding.system().unbind(target);
            rebind = true;
        }
        try {
            assertThatThrownBy(() -> VfioDevice.open(target)).isInstanceOf(VfioException.class)
                    .hasMessageContaining(target + " is not bound to vfio-pci").hasMessageContaining("iomem vfio bind")
                    .hasMessageNotContaining("\n");
            assertThat(ProcessResources.now()).isEqualTo(before);
        } finally {
            if (rebind) {
                VfioBinding.system().bind(target, true);
            }
        }
    }

    @Test
    @DisplayName("a group that is not viable (an edu behind a PCI bridge beside a serial port its driver holds) is refused, nothing left open")
    void groupNotViable() {
        PciAddress shared = LabGuest.sharedGroupEdu().orElse(null);
        assumeTrue(shared != null, "only x86-64 has the bridge with a shared group (lab/lib/guest.sh; arm64's SMMUv3 driver cannot group it)");
        LabGuest.CliRun bind = LabGuest.iomem("vfio", "bind", shared.toString());
        assertThat(bind.exit()).as(bind.err()).isZero();
        ProcessResources before = ProcessResources.now();
        assertThatThrownBy(() -> VfioDevice.open(shared)).isInstanceOf(VfioException.class)
                .hasMessageContaining("is not viable").hasMessageContaining("/sys/kernel/iommu_groups/")
                .hasMessageNotContaining("\n");
        assertThat(ProcessResources.now()).isEqualTo(before);
        LabGuest.CliRun info = LabGuest.iomem("vfio", "info", shared.toString());
        assertThat(info.exit()).isEqualTo(1);
        assertThat(info.err().strip()).contains("is not viable").doesNotContain("\n");
        System.out.println("lab-vfio: " + shared + ": " + info.err().strip());
    }

    @Test
    @DisplayName("a BAR that does not exist and an access beyond a BAR are refused; the device still closes clean")
    void barRefusals() {
        ProcessResources before = ProcessResources.now();
        try (VfioDevice nvme = VfioDevice.open(LabGuest.nvme())) {
            assertThatThrownBy(() -> nvme.bar(1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no BAR 1");
            assertThatThrownBy(() -> nvme.bar(6)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not 0 to 5");
            nvme.config().enableMemoryAndBusMaster();
            IoAccessor bar0 = nvme.bar(0);
            assertThatThrownBy(() -> bar0.read32(bar0.size())).isInstanceOf(IoAccessException.class)
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> bar0.write32(bar0.size() - 2, 0)).isInstanceOf(IoAccessException.class);
            assertThatThrownBy(() -> nvme.config().read(0x1000, dev.iomem.api.Width.INT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
        }
        assertThat(ProcessResources.now()).isEqualTo(before);
    }

    @Test
    @DisplayName("an IRQ count or vector beyond the device's is refused before the kernel is asked")
    void irqRefusals() {
        ProcessResources before = ProcessResources.now();
        try (VfioDevice nvme = VfioDevice.open(LabGuest.nvme())) {
            int count = nvme.irqInfo(IrqType.MSIX).count();
            assertThatThrownBy(() -> nvme.enableInterrupts(IrqType.MSIX, count + 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offers " + count + " MSIX vectors");
            assertThatThrownBy(() -> nvme.enableInterrupts(IrqType.MSIX, 0)).isInstanceOf(IllegalArgumentException.class);
            try (VfioInterrupts irqs = nvme.enableInterrupts(IrqType.MSIX, 2)) {
                assertThatThrownBy(() -> irqs.poll(2)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> irqs.await(-1, java.time.Duration.ZERO)).isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
        assertThat(ProcessResources.now()).isEqualTo(before);
    }
}
