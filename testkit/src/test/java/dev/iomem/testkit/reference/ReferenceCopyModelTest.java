package dev.iomem.testkit.reference;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Sequences worked out by hand from the kernel sources. */
@DisplayName("ReferenceCopyModel")
class ReferenceCopyModelTest {

    private static final AccessRules X86 = AccessRules.builder("x86", MemoryType.DEVICE)
            .naturalAlignment(false).copy(CopyAlgorithm.X86).build();
    private static final AccessRules ARM64 = AccessRules.builder("arm64", MemoryType.DEVICE)
            .naturalAlignment(true).copy(CopyAlgorithm.GENERIC).build();
    private static final AccessRules ZPCI = AccessRules.builder("s390x", MemoryType.DEVICE)
            .naturalAlignment(true).copy(CopyAlgorithm.S390X)
            .blockStore(new BlockStoreLimits(128, 8, 8)).boundary(4096).build();

    private static List<String> s(List<PlannedAccess> plan) {
        return plan.stream().map(p -> (p.kind() == AccessKind.STORE_BLOCK ? "B" : p.kind() == AccessKind.LOAD ? "L" : "S") + p.size() + "@" + p.offset()).toList();
    }

    @Test
    @DisplayName("x86 (iomem.c): a byte if odd, a word if 2 mod 4, dwords, then a word and a byte")
    void x86() {
        assertThat(s(ReferenceCopyModel.copyToIo(X86, 1, 0, 13))).containsExactly("S1@1", "S2@2", "S4@4", "S4@8", "S2@12");
        assertThat(s(ReferenceCopyModel.copyFromIo(X86, 3, 0, 8))).containsExactly("L1@3", "L4@4", "L2@8", "L1@10");
        assertThat(s(ReferenceCopyModel.copyToIo(X86, 2, 0, 1))).containsExactly("S1@2");
        assertThat(s(ReferenceCopyModel.copyToIo(X86, 1, 0, 2))).containsExactly("S1@1", "S1@2");
        assertThat(s(ReferenceCopyModel.copyToIo(X86, 0, 0, 0))).isEmpty();
        assertThat(s(ReferenceCopyModel.fillIo(X86, 0, 7))).containsExactly("S4@0", "S2@4", "S1@6");
    }

    @Test
    @DisplayName("arm64 (iomem_copy.c): bytes up to 8-alignment, quadwords, a byte tail")
    void arm64() {
        assertThat(s(ReferenceCopyModel.copyToIo(ARM64, 3, 0, 20))).containsExactly("S1@3", "S1@4", "S1@5", "S1@6", "S1@7", "S8@8",
                "S1@16", "S1@17", "S1@18", "S1@19", "S1@20", "S1@21", "S1@22");
        assertThat(s(ReferenceCopyModel.copyFromIo(ARM64, 8, 0, 16))).containsExactly("L8@8", "L8@16");
        assertThat(s(ReferenceCopyModel.copyFromIo(ARM64, 5, 0, 2))).containsExactly("L1@5", "L1@6");
    }

    @Test
    @DisplayName("s390x (pci_io.h): 4 KiB chunks of up to 128 B, block stores where 8-aligned, aligned scalars elsewhere")
    void s390x() {
        assertThat(s(ReferenceCopyModel.copyToIo(ZPCI, 4090, 0, 300))).containsExactly("S2@4090", "S4@4092", "B128@4096", "B128@4224",
                "S8@4352", "S8@4360", "S8@4368", "S8@4376", "S4@4384", "S2@4388");
        assertThat(s(ReferenceCopyModel.copyToIo(ZPCI, 4056, 0, 48))).containsExactly("B40@4056", "S8@4096");
        assertThat(s(ReferenceCopyModel.copyToIo(ZPCI, 8, 0, 8))).containsExactly("S8@8");
        assertThat(s(ReferenceCopyModel.copyFromIo(ZPCI, 4093, 0, 12))).containsExactly("L1@4093", "L2@4094", "L8@4096", "L1@4104");
        assertThat(ReferenceCopyModel.fillIo(ZPCI, 4090, 300)).isEqualTo(ReferenceCopyModel.copyToIo(ZPCI, 4090, 0, 300));
    }

    @Test
    @DisplayName("covers rules whose widths reach maxCopyWidth without a gap, and no others")
    void covers() {
        assertThat(ReferenceCopyModel.covers(X86)).isTrue();
        AccessRules gap = X86.toBuilder().scalarWidths(java.util.Set.of(Width.BYTE, Width.INT)).build();
        assertThat(ReferenceCopyModel.covers(gap)).isFalse();
    }

    @Test
    @DisplayName("powerpc kernel/io.c: bytes until both sides are 4-aligned, a 4-byte body, a byte tail; a fill aligns the device side only")
    void powerpc() {
        AccessRules ppc = AccessRules.builder("ppc", dev.iomem.api.MemoryType.DEVICE).copy(dev.iomem.api.CopyAlgorithm.POWERPC).build();
        assertThat(s(ReferenceCopyModel.copyToIo(ppc, 2, 2, 11))).containsExactly("S1@2", "S1@3", "S4@4", "S4@8", "S1@12");
        assertThat(s(ReferenceCopyModel.copyFromIo(ppc, 0, 1, 5))).containsExactly("L1@0", "L1@1", "L1@2", "L1@3", "L1@4");
        assertThat(s(ReferenceCopyModel.fillIo(ppc, 3, 6))).containsExactly("S1@3", "S4@4", "S1@8");
    }
}
