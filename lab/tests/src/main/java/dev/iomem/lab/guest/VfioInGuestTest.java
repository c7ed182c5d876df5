package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.HugePagePolicy;
import dev.iomem.core.dma.IovaRange;
import dev.iomem.core.vfio.IommuPath;
import dev.iomem.core.vfio.IrqType;
import dev.iomem.core.vfio.VfioBinding;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioDeviceOptions;
import dev.iomem.core.vfio.VfioInterrupts;
import dev.iomem.core.vfio.VfioIrqInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The VFIO driver path against the guest kernel's vfio-pci and the architecture's IOMMU
 * (intel-iommu on x86-64, SMMUv3 on arm64, zPCI on s390x): edu (x86-64, arm64) and the NVMe
 * controller (all three) bound to vfio-pci, their BARs, config space, interrupts, reset and DMA.
 * edu's registers: QEMU docs/specs/edu.rst (0x08 factorial, 0x20 status with bit 7 "interrupt
 * after factorial", 0x24 interrupt status, 0x64 acknowledge, 0x80-0x98 DMA).
 */
@Tag("vfio")
@DisplayName("VFIO: devices bound to vfio-pci, driven through a real IOMMU")
class VfioInGuestTest {

    private static final long EDU_BUFFER = 0x40000;
    private static final int PAGE = 4096;

    @BeforeAll
    static void bindToVfio() {
        assumeTrue(LabGuest.iommu(), "VFIO runs in the lab's IOMMU boot (lab/run --iommu)");
        for (PciAddress a : LabGuest.hasEdu() ? List.of(LabGuest.nvme(), LabGuest.edu()) : List.of(LabGuest.nvme())) {
            LabGuest.CliRun bind = LabGuest.iomem("vfio", "bind", a.toString());
            assertThat(bind.exit()).as("iomem vfio bind %s: %s", a, bind.err()).isZero();
            assertThat(VfioBinding.system().driver(a)).hasValue(VfioBinding.VFIO_PCI);
        }
    }

    @Test
    @DisplayName("iomem vfio info --json and peek/poke --vfio agree with the device")
    void cli() {
        PciAddress nvme = LabGuest.nvme();
        LabGuest.CliRun info = LabGuest.iomem("vfio", "info", nvme.toString(), "--json");
        assertThat(info.exit()).as(info.err()).isZero();
        System.out.println("lab-vfio: iomem vfio info " + nvme + " --json: " + info.out().strip());
        assertThat(info.out()).contains("\"device\":\"" + nvme + "\"").contains("\"iommuPath\":\"group-container\"")
                .contains("\"name\":\"BAR0\"").contains("\"name\":\"config\"").contains("\"type\":\"MSIX\"");
        int vs;
        try (VfioDevice d = VfioDevice.open(nvme)) {
            d.config().enableMemoryAndBusMaster();
            vs = d.bar(0).read32(0x08);
        }
        LabGuest.CliRun peek = LabGuest.iomem("peek", "--vfio", nvme.toString(), "0", "0x8", "--json");
        assertThat(peek.exit()).as(peek.err()).isZero();
        assertThat(peek.out()).containsIgnoringCase(String.format("%08x", vs));
        if (LabGuest.hasEdu()) {
            String edu = LabGuest.edu().toString();
            LabGuest.CliRun poke = LabGuest.iomem("poke", "--vfio", edu, "0", "0x4", "0x0badcafe");
            assertThat(poke.exit()).as(poke.err()).isZero();
            LabGuest.CliRun back = LabGuest.iomem("peek", "--vfio", edu, "0", "0x4", "--json");
            assertThat(back.exit()).as(back.err()).isZero();
            assertThat(back.out()).containsIgnoringCase("f4523501");
        }
    }

    @Test
    @DisplayName("edu's identification register reads through the mapped BAR, and config space names the device")
    void eduIdentification() {
        assumeTrue(LabGuest.hasEdu(), "QEMU's s390x build has no edu device");
        try (VfioDevice edu = VfioDevice.open(LabGuest.edu())) {
            System.out.println("lab-vfio: edu opened on " + edu.iommuPath().label() + " (" + edu.iommuPathReason() + ")");
            assertThat(edu.config().vendorId()).isEqualTo(0x1234);
            assertThat(edu.config().deviceId()).isEqualTo(0x11e8);
            edu.config().enableMemoryAndBusMaster();
            assertThat(edu.barIsMapped(0)).as("vfio-pci lets user space map edu's BAR 0").isTrue();
            IoAccessor bar0 = edu.bar(0);
            assertThat(bar0.read32(0x00)).as("edu identification").isEqualTo(0x010000ed);
            bar0.write32(0x04, 0x12345678);
            assertThat(bar0.read32(0x04)).as("liveness").isEqualTo(~0x12345678);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(IommuPath.class)
    @DisplayName("each IOMMU path the kernel offers opens edu (or NVMe on s390x) and reads it")
    void eachPath(IommuPath path) {
        PciAddress a = LabGuest.hasEdu() ? LabGuest.edu() : LabGuest.nvme();
        boolean offered = path == IommuPath.GROUP_CONTAINER || (java.nio.file.Files.exists(java.nio.file.Path.of("/dev/iommu"))
                && VfioBinding.cdevName(LabGuest.sysfs(a).getParent(), a)
                        .map(n -> java.nio.file.Files.exists(java.nio.file.Path.of("/dev/vfio/devices", n))).orElse(false));
        assumeTrue(offered, "this kernel offers no VFIO device cdev for the iommufd path");
        try (VfioDevice d = VfioDevice.open(a, VfioDeviceOptions.defaults().withPath(path))) {
            assertThat(d.iommuPath()).isEqualTo(path);
            d.config().enableMemoryAndBusMaster();
            if (LabGuest.hasEdu()) {
                assertThat(d.bar(0).read32(0)).isEqualTo(0x010000ed);
            } else {
                assertThat(d.bar(0).read32(0x08) >>> 16).as("NVMe VS.MJR").isEqualTo(1);
            }
            System.out.println("lab-vfio: " + a + " on " + path.label() + ", " + d.iommu().describe() + ", IOVA ranges "
                    + d.iommu().iovaRanges());
        }
    }

    @Test
    @DisplayName("edu's factorial completes with an MSI delivered through an eventfd")
    void eduFactorialByMsi() {
        assumeTrue(LabGuest.hasEdu(), "QEMU's s390x build has no edu device");
        try (VfioDevice edu = VfioDevice.open(LabGuest.edu())) {
            edu.config().enableMemoryAndBusMaster();
            IoAccessor bar0 = edu.bar(0);
            VfioIrqInfo msi = edu.irqInfo(IrqType.MSI);
            assertThat(msi.count()).as("edu's MSI vectors").isEqualTo(1);
            assertThat(msi.maskable()).as("vfio-pci does not mask MSI").isFalse();
            try (VfioInterrupts irq = edu.enableInterrupts(IrqType.MSI, 1)) {
                assertThat(irq.poll(0)).as("no interrupt before the work").isZero();
                bar0.write32(0x20, 0x80);   // raise an interrupt when the factorial is done
                bar0.write32(0x08, 10);
                assertThat(irq.await(0, Duration.ofSeconds(10))).as("the MSI within 10 s").isTrue();
                assertThat(bar0.read32(0x08)).as("10!").isEqualTo(3_628_800);
                assertThat(bar0.read32(0x24) & 1).as("edu's interrupt status: factorial").isEqualTo(1);
                bar0.write32(0x64, 1);      // acknowledge
                assertThat(bar0.read32(0x24)).isZero();
                assertThatThrownBy(() -> irq.mask(0)).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("cannot be masked");
            }
            // A second enable after the close works: the first was torn down.
            try (VfioInterrupts again = edu.enableInterrupts(IrqType.MSI, 1)) {
                assertThat(again.count()).isEqualTo(1);
            }
        }
    }

    @Test
    @DisplayName("edu's factorial by INTx: the kernel masks the line when it fires, the driver acknowledges and unmasks it")
    void eduFactorialByIntx() {
        assumeTrue(LabGuest.hasEdu(), "QEMU's s390x build has no edu device");
        try (VfioDevice edu = VfioDevice.open(LabGuest.edu())) {
            edu.config().enableMemoryAndBusMaster();
            IoAccessor bar0 = edu.bar(0);
            VfioIrqInfo intx = edu.irqInfo(IrqType.INTX);
            assertThat(intx.count()).isEqualTo(1);
            assertThat(intx.maskable()).isTrue();
            assertThat(intx.automasked()).isTrue();
            try (VfioInterrupts irq = edu.enableInterrupts(IrqType.INTX, 1)) {
                for (int n : new int[] {5, 7}) {
                    bar0.write32(0x20, 0x80);
                    bar0.write32(0x08, n);
                    assertThat(irq.await(0, Duration.ofSeconds(10))).as("INTx for %d! within 10 s", n).isTrue();
                    assertThat(bar0.read32(0x08)).isEqualTo(n == 5 ? 120 : 5040);
                    bar0.write32(0x64, 1);   // acknowledge: edu lowers the line
                    irq.unmask(0);           // the kernel masked it when it fired
                }
                irq.mask(0);
                bar0.write32(0x20, 0x80);
                bar0.write32(0x08, 3);
                assertThat(irq.await(0, Duration.ofMillis(500))).as("no INTx while masked").isFalse();
                irq.unmask(0);
                assertThat(irq.await(0, Duration.ofSeconds(10))).as("the pending INTx after the unmask").isTrue();
                bar0.write32(0x64, 1);
            }
        }
    }

    @Test
    @DisplayName("edu's DMA engine round-trips a buffer through an IOVA table inside its 28-bit mask and the IOMMU's ranges")
    void eduDmaThroughIommu() throws InterruptedException {
        assumeTrue(LabGuest.hasEdu(), "QEMU's s390x build has no edu device");
        DmaConstraints mask28 = DmaConstraints.KERNEL_DEFAULT.withAddressBits(28);
        try (VfioDevice edu = VfioDevice.open(LabGuest.edu()); Arena arena = Arena.ofShared()) {
            edu.config().enableMemoryAndBusMaster();
            IoAccessor bar0 = edu.bar(0);
            DmaBuffer out = DmaBuffers.allocate(arena, PAGE, HugePagePolicy.NEVER);
            DmaBuffer back = DmaBuffers.allocate(arena, PAGE, HugePagePolicy.NEVER);
            for (int i = 0; i < PAGE; i++) {
                out.memory().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
            }
            List<IovaRange> ranges = edu.iommu().iovaRanges();
            try (DmaOnlySgTable src = edu.dmaMapper().mapUser(edu.address(), out.memory(), DmaDirection.TO_DEVICE, mask28);
                 DmaOnlySgTable dst = edu.dmaMapper().mapUser(edu.address(), back.memory(), DmaDirection.FROM_DEVICE, mask28)) {
                for (DmaOnlySgTable t : List.of(src, dst)) {
                    assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.IOVA);
                    long iova = t.dmaAddress(0);
                    assertThat(iova + PAGE - 1).as("IOVA 0x%x inside edu's 28-bit mask", iova).isLessThan(1L << 28);
                    assertThat(ranges.isEmpty() || ranges.stream().anyMatch(r -> Long.compareUnsigned(r.start(), iova) <= 0
                            && Long.compareUnsigned(iova + PAGE - 1, r.last()) <= 0)).as("IOVA 0x%x inside %s", iova, ranges).isTrue();
                }
                transfer(bar0, src.dmaAddress(0), EDU_BUFFER, false);
                transfer(bar0, EDU_BUFFER, dst.dmaAddress(0), true);
                System.out.println("lab-vfio: edu DMA through IOVAs 0x" + Long.toHexString(src.dmaAddress(0)) + " and 0x"
                        + Long.toHexString(dst.dmaAddress(0)) + ", ranges " + ranges);
            }
            assertThat(back.memory().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(out.memory().toArray(ValueLayout.JAVA_BYTE));
            assertThat(edu.dmaMapper().openTables()).isZero();
        }
    }

    @Test
    @DisplayName("reset: edu says it has none; an enabled NVMe controller is disabled by the function reset")
    void reset() {
        if (LabGuest.hasEdu()) {
            try (VfioDevice edu = VfioDevice.open(LabGuest.edu())) {
                System.out.println("lab-vfio: edu resettable=" + edu.resettable());
                if (edu.resettable()) {
                    edu.config().enableMemoryAndBusMaster();
                    IoAccessor bar0 = edu.bar(0);
                    bar0.write32(0x04, 0x0f0f0f0f);
                    edu.reset();
                    edu.config().enableMemoryAndBusMaster();
                    assertThat(bar0.read32(0x00)).isEqualTo(0x010000ed);
                } else {
                    assertThatThrownBy(edu::reset).isInstanceOf(UnsupportedOperationException.class)
                            .hasMessageContaining("cannot be reset");
                }
            }
        }
        try (VfioDevice nvme = VfioDevice.open(LabGuest.nvme()); Arena arena = Arena.ofShared()) {
            System.out.println("lab-vfio: nvme resettable=" + nvme.resettable());
            assumeTrue(nvme.resettable(), "the kernel found no reset for this NVMe function");
            nvme.config().enableMemoryAndBusMaster();
            IoAccessor bar0 = nvme.bar(0);
            // Enable the controller on admin queues in IOVA space (NVMe 1.4, 7.6.1), then reset the
            // function: a reset controller is disabled again (CSTS.RDY 0, CC 0).
            DmaBuffer queues = DmaBuffers.allocate(arena, 2 * PAGE, HugePagePolicy.NEVER);
            try (DmaOnlySgTable sq = nvme.dmaMapper().mapUser(nvme.address(), queues.memory().asSlice(0, PAGE),
                         DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED);
                 DmaOnlySgTable cq = nvme.dmaMapper().mapUser(nvme.address(), queues.memory().asSlice(PAGE, PAGE),
                         DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED)) {
                bar0.write32(0x24, 0x000f_000f);              // AQA: 16 entries each
                bar0.write64(0x28, sq.dmaAddress(0));         // ASQ
                bar0.write64(0x30, cq.dmaAddress(0));         // ACQ
                bar0.write32(0x14, (4 << 20) | (6 << 16) | 1); // CC: IOCQES 16 B, IOSQES 64 B, EN
                long deadline = System.nanoTime() + 10_000_000_000L;
                while ((bar0.read32(0x1c) & 1) == 0) {
                    assertThat(System.nanoTime()).as("CSTS.RDY within 10 s").isLessThan(deadline);
                    Thread.onSpinWait();
                }
                nvme.reset();
                nvme.config().enableMemoryAndBusMaster();
                System.out.printf("lab-vfio: nvme after reset CC=0x%x CSTS=0x%x AQA=0x%x%n", bar0.read32(0x14),
                        bar0.read32(0x1c), bar0.read32(0x24));
                assertThat(bar0.read32(0x1c) & 1).as("CSTS.RDY after the reset").isZero();
                assertThat(bar0.read32(0x14)).as("CC after the reset").isZero();
            }
        }
    }

    @Test
    @DisplayName("NVMe: VS and CAP through the region (mmap or pread, whichever the kernel offers) and MSI-X vectors on and off")
    void nvmeRegistersAndMsix() {
        try (VfioDevice nvme = VfioDevice.open(LabGuest.nvme())) {
            nvme.config().enableMemoryAndBusMaster();
            IoAccessor bar0 = nvme.bar(0);
            System.out.println("lab-vfio: nvme BAR0 " + (nvme.barIsMapped(0) ? "mapped" : "through pread/pwrite") + ", regions "
                    + nvme.regions());
            int vs = bar0.read32(0x08);
            assertThat(vs >>> 16).as("VS.MJR of 0x%08x", vs).isEqualTo(1);
            long cap = bar0.read64(0x00);
            long halves = (bar0.read32(0x04) & 0xffff_ffffL) << 32 | (bar0.read32(0x00) & 0xffff_ffffL);
            assertThat(cap).isEqualTo(halves);
            assertThat((cap >>> 37) & 1).as("CAP.CSS bit 0: the NVM command set").isEqualTo(1);
            // The same registers through pread/pwrite of the device file, one call per access.
            IoAccessor byFile = nvme.barByFile(0);
            assertThat(byFile.read32(0x08)).isEqualTo(vs);
            assertThat(byFile.read64(0x00)).isEqualTo(cap);
            assertThat(byFile.read32(0x04)).isEqualTo((int) (cap >>> 32));
            VfioIrqInfo msix = nvme.irqInfo(IrqType.MSIX);
            assertThat(msix.count()).as("NVMe MSI-X vectors").isGreaterThanOrEqualTo(2);
            try (VfioInterrupts irqs = nvme.enableInterrupts(IrqType.MSIX, 2)) {
                assertThat(irqs.count()).isEqualTo(2);
                assertThat(irqs.poll(1)).isZero();
                assertThatThrownBy(() -> nvme.enableInterrupts(IrqType.MSI, 1)).isInstanceOf(IllegalStateException.class);
            }
            try (VfioInterrupts again = nvme.enableInterrupts(IrqType.MSIX, msix.count())) {
                assertThat(again.count()).isEqualTo(msix.count());
            }
        }
    }

    @Test
    @DisplayName("NVMe CMB: bytes copied in through pread/pwrite read back the same through the BAR's own path, and the reverse")
    void cmbCopiesBothPaths() {
        try (VfioDevice nvme = VfioDevice.open(LabGuest.nvme()); Arena arena = Arena.ofConfined()) {
            nvme.config().enableMemoryAndBusMaster();
            IoAccessor cmb = nvme.bar(LabGuest.CMB_BAR);
            IoAccessor cmbByFile = nvme.barByFile(LabGuest.CMB_BAR);
            java.lang.foreign.MemorySegment out = arena.allocate(256);
            java.lang.foreign.MemorySegment back = arena.allocate(256);
            for (int i = 0; i < 256; i++) {
                out.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 13 + 5));
            }
            cmbByFile.copyToIo(out, 0x1000);
            cmb.copyFromIo(0x1000, back);
            assertThat(back.toArray(ValueLayout.JAVA_BYTE)).as("pwrite in, BAR path out").isEqualTo(out.toArray(ValueLayout.JAVA_BYTE));
            for (int i = 0; i < 256; i++) {
                out.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
            }
            cmb.copyToIo(out, 0x2000);
            cmbByFile.copyFromIo(0x2000, back);
            // s390x's own path stores in PCI STORE BLOCKs, whose doublewords QEMU reverses.
            byte[] expected = LabGuest.arch().equals("s390x")
                    ? QemuBlockStores.asStored(dev.iomem.core.Iomem.platform().backend(), 0x2000, out.toArray(ValueLayout.JAVA_BYTE))
                    : out.toArray(ValueLayout.JAVA_BYTE);
            assertThat(back.toArray(ValueLayout.JAVA_BYTE)).as("BAR path in, pread out").isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("NVMe: DMA is mapped inside the IOMMU's IOVA ranges (on s390x, the zPCI window)")
    void nvmeDmaInsideRanges() {
        try (VfioDevice nvme = VfioDevice.open(LabGuest.nvme()); Arena arena = Arena.ofShared()) {
            List<IovaRange> ranges = nvme.iommu().iovaRanges();
            System.out.println("lab-vfio: nvme " + nvme.iommu().describe() + " IOVA ranges " + ranges);
            if (LabGuest.arch().equals("s390x")) {
                assertThat(ranges).as("zPCI reports its window").isNotEmpty();
            }
            DmaBuffer b = DmaBuffers.allocate(arena, 4 * PAGE, HugePagePolicy.NEVER);
            try (DmaOnlySgTable t = nvme.dmaMapper().mapUser(nvme.address(), b.memory(), DmaDirection.BIDIRECTIONAL,
                    DmaConstraints.UNRESTRICTED)) {
                long iova = t.dmaAddress(0);
                assertThat(ranges.isEmpty() || ranges.stream().anyMatch(r -> Long.compareUnsigned(r.start(), iova) <= 0
                        && Long.compareUnsigned(iova + 4 * PAGE - 1, r.last()) <= 0)).as("IOVA 0x%x inside %s", iova, ranges).isTrue();
            }
        }
    }

    /** Programs one edu DMA transfer and waits for the command register's start bit to clear. */
    private static void transfer(IoAccessor edu, long src, long dst, boolean toRam) throws InterruptedException {
        edu.write64(0x80, src);
        edu.write64(0x88, dst);
        edu.write64(0x90, PAGE);
        edu.write64(0x98, toRam ? 0b11 : 0b01);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((edu.read64(0x98) & 1) != 0) {
            assertThat(System.nanoTime()).as("edu finished its DMA within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
