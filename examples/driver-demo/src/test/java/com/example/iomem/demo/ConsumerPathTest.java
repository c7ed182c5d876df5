package com.example.iomem.demo;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.PciDevice;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.Iomem;
import dev.iomem.core.UnknownBackendException;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.DmaMapperChoice;
import dev.iomem.core.dma.DmaMappers;
import dev.iomem.core.dma.DmaTableBuilder;
import dev.iomem.core.dma.HugePagePolicy;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.guice.IomemModule;
import dev.iomem.core.pci.BarMappingException;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.MappedRegion;
import dev.iomem.testkit.sim.SimulatedDevice;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The claims docs/consumers.md makes beyond its runnable snippets, checked as a consumer sees
 * them: through the installed artifacts, on this machine.
 */
@DisplayName("The consumer path described in docs/consumers.md")
class ConsumerPathTest {

    @TempDir
    Path dir;

    private MappedRegion standIn(Arena arena) throws IOException {
        Path file = dir.resolve("bar0.bin");
        Files.write(file, new byte[8192]);
        return SysfsBarMapper.mapFile(file, 0, 8192, MemoryType.DEVICE, false, arena);
    }

    @Test
    @DisplayName("refuses to open a BAR natively with a backend this machine cannot drive, saying why")
    void foreignBackendCannotOpen() throws IOException {
        IoPlatform arm = Iomem.platform("aarch64");
        assertThat(arm.isNative()).isFalse();
        try (Arena arena = Arena.ofShared()) {
            MappedRegion region = standIn(arena);
            assertThatThrownBy(() -> arm.open(region)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("aarch64").hasMessageContaining("os.arch");
        }
    }

    @Test
    @DisplayName("reports a BAR of this machine whose resourceN file is missing as a BarMappingException")
    void realBarWithoutResourceFile() {
        SysfsPciTopology pci = SysfsPciTopology.system();
        Optional<Bar> candidate = Optional.empty();
        PciDevice device = null;
        for (PciDevice d : pci.devices()) {
            for (Bar b : d.bars()) {
                if (b.present() && b.isMemory() && !Files.exists(pci.functionDirectory(d.address()).resolve("resource" + b.index()))) {
                    candidate = Optional.of(b);
                    device = d;
                    break;
                }
            }
            if (device != null) {
                break;
            }
        }
        assumeThat(candidate).as("a memory BAR without a resourceN file on this machine").isPresent();
        PciDevice d = device;
        Bar b = candidate.get();
        try (Arena arena = Arena.ofShared()) {
            assertThatThrownBy(() -> new SysfsBarMapper(pci).mapWhole(d.address(), b.index(), MemoryType.DEVICE, true, arena))
                    .isInstanceOf(BarMappingException.class)
                    .hasMessageContaining("does not exist").hasMessageContaining("offers no mmap");
        }
    }

    @Test
    @DisplayName("refuses write-combining on a BAR that is not prefetchable, before opening anything")
    void writeCombiningNeedsPrefetchable() {
        SysfsPciTopology pci = SysfsPciTopology.system();
        PciDevice device = null;
        Bar bar = null;
        for (PciDevice d : pci.devices()) {
            for (Bar b : d.bars()) {
                if (b.present() && b.isMemory() && !b.isPrefetchable()) {
                    device = d;
                    bar = b;
                }
            }
        }
        assumeThat(bar).as("a non-prefetchable memory BAR on this machine").isNotNull();
        PciDevice d = device;
        Bar b = bar;
        try (Arena arena = Arena.ofShared()) {
            assertThatThrownBy(() -> new SysfsBarMapper(pci).mapWhole(d.address(), b.index(), MemoryType.WRITE_COMBINING, true, arena))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not prefetchable");
        }
    }

    @Test
    @DisplayName("narrows the rules with a quirk: 64-bit accesses refused, 32-bit ones go through")
    void quirkNarrows() throws IOException {
        try (Arena arena = Arena.ofShared(); IoAccessor regs = Iomem.platform().open(standIn(arena),
                DeviceQuirk.forbidWidths("no-64-bit", Width.LONG))) {
            regs.write32(0x20, 0x1234_5678);
            assertThat(regs.read32(0x20)).isEqualTo(0x1234_5678);
            assertThatThrownBy(() -> regs.read64(0x20)).isInstanceOf(WidthNotAllowedException.class);
            assertThat(regs.rules().quirks()).isEqualTo("no-64-bit");
        }
    }

    @Test
    @DisplayName("puts a slice's offset 0 at the slice's start in the parent, and closing the parent closes it")
    void slices() throws IOException {
        try (Arena arena = Arena.ofShared()) {
            IoAccessor regs = Iomem.platform().open(standIn(arena));
            IoAccessor queue3 = regs.slice(0x1000 + 3 * 0x40, 0x40);
            queue3.write32(0x00, 7);
            assertThat(regs.read32(0x10C0)).isEqualTo(7);
            assertThatThrownBy(() -> queue3.read32(0x40)).isInstanceOf(OutOfBoundsAccessException.class);
            regs.close();
            assertThatThrownBy(() -> queue3.read32(0)).isInstanceOf(AccessorClosedException.class);
        }
    }

    @Test
    @DisplayName("refuses bad accesses before any device transaction")
    void refusalsBeforeTraffic() {
        ArchBackend arm = Iomem.platform("aarch64").backend();
        SimulatedDevice device = SimulatedDevice.create(arm.rules(MemoryType.DEVICE), 64);
        IoAccessor regs = device.attach(arm);
        assertThatThrownBy(() -> regs.read32(62)).isInstanceOf(OutOfBoundsAccessException.class);
        assertThatThrownBy(() -> regs.read32(2)).isInstanceOf(MisalignedAccessException.class)
                .isInstanceOf(IoAccessException.class).isInstanceOf(IllegalStateException.class);
        regs.close();
        assertThatThrownBy(() -> regs.read32(0)).isInstanceOf(AccessorClosedException.class);
        assertThat(device.trace().isEmpty()).isTrue();
    }

    @Test
    @DisplayName("fails injection with ProvisionException caused by UnknownBackendException for a name no backend has")
    void guiceUnknownBackend() {
        assertThatThrownBy(() -> Guice.createInjector(new IomemModule("vax")).getInstance(IoPlatform.class))
                .isInstanceOf(ProvisionException.class).hasRootCauseInstanceOf(UnknownBackendException.class);
    }

    @Test
    @DisplayName("chooses pagemap when no device is named, and says why")
    void selectWithoutDevice() {
        try (DmaMapperChoice choice = DmaMappers.select(null)) {
            assertThat(choice.mapper()).isInstanceOf(PagemapDmaMapper.class);
            assertThat(choice.reason()).contains("no device was named");
        }
    }

    @Test
    @DisplayName("maps a DMA buffer with pagemap, closes the table once, and refuses use after close")
    void pagemapTableLifecycle() {
        PagemapDmaMapper pagemap = PagemapDmaMapper.create();
        try {
            pagemap.checkPrivilege();
        } catch (DmaMappingException e) {
            assumeThat(false).as("CAP_SYS_ADMIN: " + e.getMessage()).isTrue();
        }
        try (Arena arena = Arena.ofShared()) {
            DmaBuffer buffer = DmaBuffers.allocate(arena, 16384, HugePagePolicy.NEVER);
            DmaOnlySgTable table = pagemap.mapUser(buffer.memory(), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
            assertThat(table.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
            assertThat(table.totalLength()).isEqualTo(16384);
            assertThat(table.dmaAddress(0)).isNotZero();
            table.close();
            table.close();
            assertThat(table.isClosed()).isTrue();
            assertThatThrownBy(table::segmentCount).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    @DisplayName("refuses an address above the DMA mask instead of truncating it")
    void maskRefuses() {
        DmaTableBuilder builder = DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, DmaConstraints.KERNEL_DEFAULT,
                DmaDirection.TO_DEVICE, null, false);
        assertThatThrownBy(() -> builder.add(0x1_0000_0000L, 4096)).isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("32-bit DMA mask");
    }
}
