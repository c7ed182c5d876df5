package dev.iomem.lab.guest;

import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * VFIO in the lab's boot without an IOMMU (x86-64 and arm64; zPCI always has one): the device
 * has no IOMMU group, and iomem says so in one line without opening a file.
 */
@DisplayName("VFIO without an IOMMU: refused in one line, nothing opened")
class VfioWithoutIommuInGuestTest {

    @Test
    @DisplayName("opening edu through VFIO names the missing IOMMU")
    void noIommu() {
        assumeTrue(!LabGuest.iommu() && LabGuest.hasEdu(), "only the boot without an IOMMU on x86-64 and arm64");
        ProcessResources before = ProcessResources.now();
        assertThatThrownBy(() -> VfioDevice.open(LabGuest.edu())).isInstanceOf(VfioException.class)
                .hasMessageContaining("has no IOMMU group").hasMessageContaining("IOMMU is off or absent")
                .hasMessageNotContaining("\n");
        assertThat(ProcessResources.now()).isEqualTo(before);
    }
}
