package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.Iomem;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.HugePagePolicy;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DMA without an IOMMU: the pagemap mapper's tables drive edu's DMA engine (QEMU
 * docs/specs/edu.rst: source 0x80, destination 0x88, count 0x90, command 0x98, bit 0 start,
 * bit 1 device to RAM; the device's buffer at 0x40000, 4 KiB).
 *
 * <p>edu masks every RAM address with its DMA mask, 28 bits by default, and truncates what lies
 * outside ({@code edu_clamp_addr} in hw/misc/edu.c). iomem must refuse such a buffer instead. On
 * arm64 guest RAM starts at 1 GiB, so no buffer is ever inside 28 bits; on x86-64 few are. The
 * round trip therefore runs on a second edu whose {@code dma_mask} property is all ones, at slot
 * {@value #WIDE_SLOT} (lab/lib/guest.sh), and the default edu proves the refusal.
 */
@DisplayName("DMA without an IOMMU: pagemap tables drive edu's DMA engine")
class DmaInGuestTest {

    static final String WIDE_SLOT = "0000:00:0a.0";
    private static final long EDU_BUFFER = 0x40000;
    private static final int PAGE = 4096;

    @BeforeEach
    void onlyWithoutIommu() {
        assumeTrue(LabGuest.hasEdu(), "QEMU's s390x build has no edu device");
        assumeTrue(!LabGuest.iommu(), "with an IOMMU, physical addresses are not what the device uses");
    }

    @Test
    @DisplayName("a buffer the CPU wrote reaches the device and comes back byte-equal")
    void roundTrip() throws Exception {
        PciAddress wide = PciAddress.parse(WIDE_SLOT);
        assertThat(LabGuest.sysfs(wide)).as("the wide-mask edu at " + WIDE_SLOT).exists();
        PagemapDmaMapper mapper = PagemapDmaMapper.create();
        try (Arena arena = Arena.ofShared();
             IoAccessor edu = Iomem.platform().open(new SysfsBarMapper(SysfsPciTopology.system())
                     .mapWhole(wide, 0, MemoryType.DEVICE, false, arena))) {
            enableBusMastering(wide);
            DmaBuffer out = DmaBuffers.allocate(arena, PAGE, HugePagePolicy.NEVER);
            DmaBuffer back = DmaBuffers.allocate(arena, PAGE, HugePagePolicy.NEVER);
            for (int i = 0; i < PAGE; i++) {
                out.memory().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 37 + 11));
            }
            try (DmaOnlySgTable src = mapper.mapUser(wide, out.memory(), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
                 DmaOnlySgTable dst = mapper.mapUser(wide, back.memory(), DmaDirection.FROM_DEVICE, DmaConstraints.UNRESTRICTED)) {
                assertThat(src.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
                assertThat(src.segmentCount()).isEqualTo(1);
                assertThat(dst.segmentCount()).isEqualTo(1);
                transfer(edu, src.dmaAddress(0), EDU_BUFFER, PAGE, false);
                transfer(edu, EDU_BUFFER, dst.dmaAddress(0), PAGE, true);
            }
            assertThat(back.memory().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(out.memory().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    @DisplayName("edu's 28-bit mask: a buffer outside it is refused with the reason, nothing left locked")
    void maskRefusal() throws Exception {
        PagemapDmaMapper mapper = PagemapDmaMapper.create();
        DmaConstraints edu = DmaConstraints.KERNEL_DEFAULT.withAddressBits(28);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment outside = null;
            for (int i = 0; i < 64 && outside == null; i++) {
                DmaBuffer b = DmaBuffers.allocate(arena, PAGE, HugePagePolicy.NEVER);
                try (DmaOnlySgTable t = mapper.mapUser(b.memory(), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)) {
                    if (t.dmaAddress(0) >= 1L << 28) {
                        outside = b.memory();
                    }
                }
            }
            assertThat(outside).as("a page above 256 MiB among 64 (guest RAM is 2 GiB)").isNotNull();
            long locked = lockedBytes();
            MemorySegment buffer = outside;
            assertThatThrownBy(() -> mapper.mapUser(LabGuest.edu(), buffer, DmaDirection.TO_DEVICE, edu))
                    .isInstanceOf(DmaMappingException.class).hasMessageContaining("mask");
            assertThat(lockedBytes()).as("VmLck after the refusal").isEqualTo(locked);
        }
    }

    /** Programs one edu DMA transfer and waits for its command register's start bit to clear. */
    private static void transfer(IoAccessor edu, long src, long dst, int count, boolean toRam) throws InterruptedException {
        edu.write64(0x80, src);
        edu.write64(0x88, dst);
        edu.write64(0x90, count);
        edu.write64(0x98, toRam ? 0b11 : 0b01);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((edu.read64(0x98) & 1) != 0) {
            assertThat(System.nanoTime()).as("edu finished its DMA within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Sets the command register's bus master bit (PCI 3.0, 6.2.2: bit 2 at 0x04) through sysfs config. */
    private static void enableBusMastering(PciAddress a) throws IOException {
        Path config = LabGuest.sysfs(a).resolve("config");
        try (var ch = java.nio.channels.FileChannel.open(config, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 4);
            short cmd = (short) (b.getShort(0) | 0b110);
            b.clear();
            b.putShort(0, cmd);
            ch.write(b, 4);
        }
    }

    private static long lockedBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmLck in /proc/self/status");
    }
}
