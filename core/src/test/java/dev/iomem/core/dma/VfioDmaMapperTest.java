package dev.iomem.core.dma;

import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.vfio.IoctlGateway;
import dev.iomem.core.vfio.VfioAbi;
import dev.iomem.core.vfio.VfioContainer;
import dev.iomem.core.vfio.VfioIommuInfo;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * VFIO type1 through a mocked ioctl gateway: this machine has no /dev/vfio, so these tests pin
 * down the call sequence and the exact bytes of every structure (include/uapi/linux/vfio.h).
 */
@DisplayName("VFIO type1 mapper (mocked ioctls: no VFIO on this machine)")
class VfioDmaMapperTest {

    private static final int CONTAINER = 10;
    private static final int GROUP = 11;
    private static final long PAGE = 4096;
    private static final PciAddress DEVICE = PciAddress.parse("0000:01:00.0");
    private static final PciAddress OTHER = PciAddress.parse("0000:02:00.0");

    @TempDir
    Path dir;
    Path devVfio;
    Path pciDevices;
    IoctlGateway gw;
    final List<byte[]> maps = new ArrayList<>();
    final List<byte[]> unmaps = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        devVfio = Files.createDirectories(dir.resolve("dev/vfio"));
        pciDevices = Files.createDirectories(dir.resolve("sys/bus/pci/devices"));
        device(DEVICE, 7);
        device(OTHER, 9);
        gw = mock(IoctlGateway.class);
        when(gw.open(devVfio.resolve("vfio").toString())).thenReturn(CONTAINER);
        when(gw.open(devVfio.resolve("7").toString())).thenReturn(GROUP);
        when(gw.ioctlWithValue(CONTAINER, 0x3B64, 0)).thenReturn(0);   // VFIO_GET_API_VERSION
        when(gw.ioctlWithValue(CONTAINER, 0x3B65, 3)).thenReturn(1);   // VFIO_CHECK_EXTENSION(TYPE1v2)
        when(gw.ioctlWithValue(CONTAINER, 0x3B66, 3)).thenReturn(0);   // VFIO_SET_IOMMU(TYPE1v2)
        doAnswer(inv -> {                                               // VFIO_GROUP_GET_STATUS
            MemorySegment s = inv.getArgument(2);
            assertThat(s.byteSize()).isEqualTo(8);
            assertThat(s.get(JAVA_INT, 0)).isEqualTo(8);
            s.set(JAVA_INT, 4, 1); // VIABLE
            return 0;
        }).when(gw).ioctl(eq(GROUP), eq(0x3B67L), any());
        doAnswer(inv -> {                                               // VFIO_GROUP_SET_CONTAINER
            MemorySegment s = inv.getArgument(2);
            assertThat(s.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(le(4).putInt(CONTAINER).array());
            return 0;
        }).when(gw).ioctl(eq(GROUP), eq(0x3B68L), any());
        doAnswer(inv -> info(inv.getArgument(2), 0xfedf_ffffL)).when(gw).ioctl(eq(CONTAINER), eq(0x3B70L), any());
        doAnswer(inv -> {                                               // VFIO_IOMMU_MAP_DMA
            maps.add(((MemorySegment) inv.getArgument(2)).toArray(ValueLayout.JAVA_BYTE));
            return 0;
        }).when(gw).ioctl(eq(CONTAINER), eq(0x3B71L), any());
        doAnswer(inv -> {                                               // VFIO_IOMMU_UNMAP_DMA: writes back the size
            MemorySegment s = inv.getArgument(2);
            unmaps.add(s.toArray(ValueLayout.JAVA_BYTE));
            return 0;
        }).when(gw).ioctl(eq(CONTAINER), eq(0x3B72L), any());
    }

    private void device(PciAddress d, int group) throws IOException {
        Path p = Files.createDirectories(pciDevices.resolve(d.toString()));
        Files.createSymbolicLink(p.resolve("iommu_group"), Path.of("../../../../kernel/iommu_groups/" + group));
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
    }

    /**
     * Answers VFIO_IOMMU_GET_INFO as the kernel does: with too small an argsz it reports the
     * size the capabilities need; with enough it fills in the IOVA-range and DMA-available caps.
     */
    private static int info(MemorySegment s, long firstRangeEnd) {
        int needed = 24 + 16 + 2 * 16 + 12;
        int argsz = s.get(JAVA_INT, 0);
        s.set(JAVA_INT, 4, 1 | 2);                 // PGSIZES | CAPS
        s.set(JAVA_LONG, 8, 0x4020_1000L);         // 4 KiB | 2 MiB | 1 GiB
        if (argsz < needed) {
            s.set(JAVA_INT, 0, needed);
            s.set(JAVA_INT, 16, 0);
            return 0;
        }
        s.set(JAVA_INT, 16, 24);                   // cap_offset
        s.set(JAVA_SHORT, 24, (short) 1);          // IOVA_RANGE
        s.set(JAVA_SHORT, 26, (short) 1);
        s.set(JAVA_INT, 28, 72);                   // next
        s.set(JAVA_INT, 32, 2);                    // nr_iovas
        s.set(JAVA_LONG, 40, 0);
        s.set(JAVA_LONG, 48, firstRangeEnd);
        s.set(JAVA_LONG, 56, 0xfef0_0000L);
        s.set(JAVA_LONG, 64, (1L << 48) - 1);
        s.set(JAVA_SHORT, 72, (short) 3);          // DMA_AVAIL
        s.set(JAVA_SHORT, 74, (short) 1);
        s.set(JAVA_INT, 76, 0);
        s.set(JAVA_INT, 80, 65000);
        return 0;
    }

    private VfioDmaMapper open() {
        return VfioDmaMapper.open(DEVICE, gw, devVfio, pciDevices);
    }

    private static byte[] mapBytes(int flags, long vaddr, long iova, long size) {
        return le(32).putInt(32).putInt(flags).putLong(vaddr).putLong(iova).putLong(size).array();
    }

    private static byte[] unmapBytes(long iova, long size) {
        return le(24).putInt(24).putInt(0).putLong(iova).putLong(size).array();
    }

    @Test
    @DisplayName("opens the container and group in the order vfio.rst gives, and reads the IOVA ranges with a second GET_INFO")
    void openSequence() {
        try (VfioDmaMapper m = open()) {
            InOrder o = inOrder(gw);
            o.verify(gw).open(devVfio.resolve("vfio").toString());
            o.verify(gw).ioctlWithValue(CONTAINER, 0x3B64, 0);
            o.verify(gw).ioctlWithValue(CONTAINER, 0x3B65, 3);
            o.verify(gw).open(devVfio.resolve("7").toString());
            o.verify(gw).ioctl(eq(GROUP), eq(0x3B67L), any());
            o.verify(gw).ioctl(eq(GROUP), eq(0x3B68L), any());
            o.verify(gw).ioctlWithValue(CONTAINER, 0x3B66, 3);
            o.verify(gw, times(2)).ioctl(eq(CONTAINER), eq(0x3B70L), any());
            assertThat(m.group()).isEqualTo(7);
            assertThat(m.name()).isEqualTo("vfio-type1");
            assertThat(m.addressSpace()).isEqualTo(DmaAddressSpace.IOVA);
            assertThat(((VfioContainer) m.iommu()).info().iovaRanges()).containsExactly(new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 48) - 1));
            assertThat(((VfioContainer) m.iommu()).info().iovaPageSizes()).isEqualTo(0x4020_1000L);
            assertThat(((VfioContainer) m.iommu()).info().dmaAvailable()).hasValue(65000);
        }
        InOrder o = inOrder(gw);
        o.verify(gw).close(GROUP);
        o.verify(gw).close(CONTAINER);
    }

    @Test
    @DisplayName("MAP_DMA carries argsz 32, the direction's flags, the buffer's address, the IOVA and the page-rounded size, byte for byte")
    void mapDmaBytes() {
        try (VfioDmaMapper m = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(3 * PAGE + 100, PAGE);
            DmaOnlySgTable t = m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
            assertThat(maps).hasSize(1);
            assertThat(maps.getFirst()).isEqualTo(mapBytes(1, buf.address(), 0x1000, 4 * PAGE));
            assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.IOVA);
            assertThat(t.segmentCount()).isOne();
            assertThat(t.dmaAddress(0)).isEqualTo(0x1000);
            assertThat(t.totalLength()).isEqualTo(3 * PAGE + 100);
            assertThat(t.device()).contains(DEVICE);
            assertThat(m.openTables()).isOne();

            DmaOnlySgTable w = m.mapUser(DEVICE, buf, DmaDirection.FROM_DEVICE, DmaConstraints.UNRESTRICTED);
            assertThat(maps.get(1)).isEqualTo(mapBytes(2, buf.address(), 0x5000, 4 * PAGE));
            DmaOnlySgTable rw = m.mapUser(DEVICE, buf, DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED.withMaxSegmentSize(4096));
            assertThat(maps.get(2)).isEqualTo(mapBytes(3, buf.address(), 0x9000, 4 * PAGE));
            assertThat(DmaTableBuilderTest.segments(rw)).containsExactly(new long[] {0x9000, 4096}, new long[] {0xa000, 4096},
                    new long[] {0xb000, 4096}, new long[] {0xc000, 100});
            w.close();
            rw.close();
            t.close();
        }
    }

    @Test
    @DisplayName("close unmaps exactly once with the exact UNMAP_DMA bytes, and the IOVA is reused afterwards")
    void unmapOnce() {
        try (VfioDmaMapper m = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2 * PAGE, PAGE);
            DmaOnlySgTable t = m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
            t.close();
            t.close();
            assertThat(unmaps).hasSize(1);
            assertThat(unmaps.getFirst()).isEqualTo(unmapBytes(0x1000, 2 * PAGE));
            assertThat(m.openTables()).isZero();
            assertThatThrownBy(t::segmentCount).isInstanceOf(IllegalStateException.class);
            DmaOnlySgTable again = m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
            assertThat(again.dmaAddress(0)).isEqualTo(0x1000);
        }
        assertThat(unmaps).hasSize(2); // the mapper's close unmapped the table left open
    }

    @Test
    @DisplayName("an UNMAP_DMA that unmaps less than was mapped is an error and the IOVA is not reused")
    void shortUnmap() {
        doAnswer(inv -> {
            MemorySegment s = inv.getArgument(2);
            s.set(JAVA_LONG, 16, PAGE);
            return 0;
        }).when(gw).ioctl(eq(CONTAINER), eq(0x3B72L), any());
        try (VfioDmaMapper m = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2 * PAGE, PAGE);
            DmaOnlySgTable t = m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
            assertThatThrownBy(t::close).isInstanceOf(DmaMappingException.class).hasMessageContaining("unmapped 4096 bytes");
            assertThat(m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED).dmaAddress(0)).isEqualTo(0x3000);
        } catch (DmaMappingException expectedFromMapperClose) {
            assertThat(expectedFromMapperClose).hasMessageContaining("closing the VFIO mapper");
        }
    }

    @Test
    @DisplayName("ENOSPC names dma_entry_limit and 65535, ENOMEM names RLIMIT_MEMLOCK, EPERM and EINVAL say why; the IOVA is given back")
    void mapErrors() {
        try (VfioDmaMapper m = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PAGE, PAGE);
            int[][] cases = {{ErrnoException.ENOSPC}, {ErrnoException.ENOMEM}, {ErrnoException.EPERM}, {ErrnoException.EINVAL}, {ErrnoException.EEXIST}};
            String[][] expect = {
                {"ENOSPC (28)", "dma_entry_limit", "65535", "65000 were left", "dma_entry_limit=N"},
                {"ENOMEM (12)", "RLIMIT_MEMLOCK", "CAP_IPC_LOCK"},
                {"EPERM (1)", "not permitted", "CAP_IPC_LOCK"},
                {"EINVAL (22)", "IOMMU page size 4096"},
                {"EEXIST (17)", "overlaps"}};
            for (int i = 0; i < cases.length; i++) {
                int errno = cases[i][0];
                doAnswer(inv -> {
                    throw new ErrnoException("ioctl(VFIO_IOMMU_MAP_DMA)", errno);
                }).when(gw).ioctl(eq(CONTAINER), eq(0x3B71L), any());
                assertThatThrownBy(() -> m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                        .isInstanceOf(DmaMappingException.class)
                        .hasMessageContainingAll(expect[i])
                        .hasMessageNotContaining("\n");
            }
            doAnswer(inv -> 0).when(gw).ioctl(eq(CONTAINER), eq(0x3B71L), any());
            assertThat(m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED).dmaAddress(0)).isEqualTo(0x1000);
            assertThat(m.openTables()).isOne();
        }
    }

    @Test
    @DisplayName("a DMA mask below every free IOVA is an error before any MAP_DMA")
    void maskBelowRanges() {
        doAnswer(inv -> info(inv.getArgument(2), 0x0)).when(gw).ioctl(eq(CONTAINER), eq(0x3B70L), any());
        try (VfioDmaMapper m = open(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PAGE, PAGE);
            assertThatThrownBy(() -> m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED.withAddressBits(24)))
                    .isInstanceOf(DmaMappingException.class)
                    .hasMessageContaining("no free IOVA range of 4 KiB below the device's 24-bit DMA mask 0xffffff");
            verify(gw, never()).ioctl(eq(CONTAINER), eq(0x3B71L), any());
            // A wide mask is served from the range above the MSI window.
            assertThat(m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED).dmaAddress(0)).isEqualTo(0xfef0_0000L);
        }
    }

    @Test
    @DisplayName("a device of another IOMMU group, a closed mapper and bad buffers are refused")
    void refusals() {
        VfioDmaMapper m = open();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(PAGE, PAGE);
            assertThatThrownBy(() -> m.mapUser(OTHER, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(DmaMappingException.class).hasMessageContaining("0000:02:00.0 is in IOMMU group 9")
                    .hasMessageContaining("holds group 7");
            assertThatThrownBy(() -> m.mapUser(DEVICE, buf.asSlice(8), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> m.mapUser(DEVICE, null, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(NullPointerException.class);
            // Through the host bridge with an IOMMU the BAR would need an IOMMU mapping: refused, with the route.
            assertThatThrownBy(() -> m.mapPciBar(PciAddress.parse("0000:00:02.0"), 0, 0, PAGE, PciAddress.parse("0000:00:01.0"),
                    DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(DmaMappingException.class)
                    // On a CPU the kernel lets route through the host bridge (AMD >= 0x17) the route
                    // exists and VFIO refuses it; elsewhere the route itself is refused.
                    .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("vfio-type1", "the AMD CPU rule does not apply"));
            m.close();
            m.close();
            assertThatThrownBy(() -> m.mapUser(DEVICE, buf, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
        verify(gw, times(1)).close(GROUP);
        verify(gw, times(1)).close(CONTAINER);
        verify(gw, never()).ioctl(eq(CONTAINER), eq(0x3B71L), any());
    }

    @Test
    @DisplayName("a missing /dev/vfio/vfio, a busy group and a group that is not viable fail clearly and leave nothing open")
    void openFailures() {
        IoctlGateway missing = mock(IoctlGateway.class);
        when(missing.open(anyString())).thenThrow(new ErrnoException("open", ErrnoException.ENOENT));
        assertThatThrownBy(() -> VfioDmaMapper.open(DEVICE, missing, devVfio, pciDevices))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("modprobe vfio-pci");
        verify(missing, never()).close(anyInt());

        when(gw.open(devVfio.resolve("7").toString())).thenThrow(new ErrnoException("open", ErrnoException.EBUSY));
        assertThatThrownBy(this::open).isInstanceOf(DmaMappingException.class).hasMessageContaining("open in another process");
        verify(gw).close(CONTAINER);

        IoctlGateway notViable = mock(IoctlGateway.class);
        when(notViable.open(devVfio.resolve("vfio").toString())).thenReturn(CONTAINER);
        when(notViable.open(devVfio.resolve("7").toString())).thenReturn(GROUP);
        when(notViable.ioctlWithValue(CONTAINER, 0x3B65, 3)).thenReturn(1);
        assertThatThrownBy(() -> VfioDmaMapper.open(DEVICE, notViable, devVfio, pciDevices))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("IOMMU group 7 of 0000:01:00.0 is not viable");
        InOrder o = inOrder(notViable);
        o.verify(notViable).close(GROUP);
        o.verify(notViable).close(CONTAINER);
        verify(notViable, never()).ioctlWithValue(eq(CONTAINER), eq(0x3B66L), anyLong());

        IoctlGateway noType1 = mock(IoctlGateway.class);
        when(noType1.open(anyString())).thenReturn(CONTAINER);
        assertThatThrownBy(() -> VfioDmaMapper.open(DEVICE, noType1, devVfio, pciDevices))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("type1v2");
        verify(noType1).close(CONTAINER);

        assertThatThrownBy(() -> VfioDmaMapper.open(PciAddress.parse("0000:05:00.0"), gw, devVfio, pciDevices))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("no PCI device 0000:05:00.0");
    }

    @Test
    @DisplayName("a device without an iommu_group link has no VFIO")
    void noIommuGroup() throws IOException {
        PciAddress bare = PciAddress.parse("0000:03:00.0");
        Files.createDirectories(pciDevices.resolve(bare.toString()));
        assertThatThrownBy(() -> VfioDmaMapper.iommuGroup(pciDevices, bare)).isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("has no IOMMU group");
    }

    @Test
    @DisplayName("selection: pagemap without a device or without /dev/vfio, VFIO when the group's file is there, with reasons")
    void selection() throws IOException {
        try (DmaMapperChoice c = DmaMappers.select(null, gw, devVfio, pciDevices)) {
            assertThat(c.mapper()).isInstanceOf(PagemapDmaMapper.class);
            assertThat(c.reason()).contains("no device was named");
        }
        try (DmaMapperChoice c = DmaMappers.select(DEVICE, gw, devVfio, pciDevices)) {
            assertThat(c.mapper()).isInstanceOf(PagemapDmaMapper.class);
            assertThat(c.reason()).contains("there is no " + devVfio.resolve("vfio")).contains("passthrough");
        }
        Files.createFile(devVfio.resolve("vfio"));
        try (DmaMapperChoice c = DmaMappers.select(DEVICE, gw, devVfio, pciDevices)) {
            assertThat(c.reason()).contains("IOMMU group 7 of 0000:01:00.0 has no " + devVfio.resolve("7"));
        }
        Files.createFile(devVfio.resolve("7"));
        try (DmaMapperChoice c = DmaMappers.select(DEVICE, gw, devVfio, pciDevices)) {
            assertThat(c.mapper()).isInstanceOf(VfioDmaMapper.class);
            assertThat(c.reason()).contains("VFIO type1", "IOMMU group 7");
        }
        verify(gw).close(CONTAINER);
        when(gw.ioctlWithValue(CONTAINER, 0x3B65, 3)).thenReturn(0);
        try (DmaMapperChoice c = DmaMappers.select(DEVICE, gw, devVfio, pciDevices)) {
            assertThat(c.mapper()).isInstanceOf(PagemapDmaMapper.class);
            assertThat(c.reason()).contains("VFIO failed", "type1v2");
        }
        // The real machine: no /dev/vfio at all.
        if (!Files.exists(VfioDmaMapper.DEV_VFIO)) {
            try (DmaMapperChoice c = DmaMappers.select(DEVICE)) {
                assertThat(c.mapper().name()).isEqualTo("pagemap");
                assertThat(c.reason()).contains("/dev/vfio/vfio");
            }
        }
    }

    @Test
    @DisplayName("GET_INFO parsing refuses chains that loop, run off the end or overlap the header")
    void malformedInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(64, 8);
            s.set(JAVA_INT, 0, 64);
            s.set(JAVA_INT, 4, 2);
            s.set(JAVA_INT, 16, 24);
            s.set(JAVA_SHORT, 24, (short) 5);
            s.set(JAVA_INT, 28, 24); // points at itself
            assertThatThrownBy(() -> VfioIommuInfo.parse(s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loop");
            s.set(JAVA_INT, 28, 60); // header would run past the end
            assertThatThrownBy(() -> VfioIommuInfo.parse(s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
            s.set(JAVA_INT, 28, 8); // inside the fixed header
            assertThatThrownBy(() -> VfioIommuInfo.parse(s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
            s.set(JAVA_SHORT, 24, (short) 1);
            s.set(JAVA_INT, 28, 0);
            s.set(JAVA_INT, 32, 3); // three ranges do not fit in 64 bytes
            assertThatThrownBy(() -> VfioIommuInfo.parse(s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut off");
            s.set(JAVA_INT, 32, 1);
            s.set(JAVA_LONG, 40, 0x2000);
            s.set(JAVA_LONG, 48, 0x1000); // ends before it starts
            assertThatThrownBy(() -> VfioIommuInfo.parse(s)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> VfioIommuInfo.parse(s.asSlice(0, 16))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("request numbers are the kernel's _IO(';', 100 + n)")
    void requestNumbers() {
        assertThat(VfioAbi.requestName(0x3B70)).isEqualTo("VFIO_IOMMU_GET_INFO");
        assertThat(VfioAbi.requestName(0x3B71)).isEqualTo("VFIO_IOMMU_MAP_DMA");
        assertThat(VfioAbi.requestName(0x3B72)).isEqualTo("VFIO_IOMMU_UNMAP_DMA");
        assertThat(VfioAbi.requestName(0x3B66)).isEqualTo("VFIO_SET_IOMMU");
        assertThat(VfioAbi.requestName(0x3B68)).isEqualTo("VFIO_GROUP_SET_CONTAINER");
        assertThat(VfioAbi.requestName(0x3B6A)).isEqualTo("VFIO_GROUP_GET_DEVICE_FD");
        assertThat(VfioAbi.requestName(0x3B6E)).isEqualTo("VFIO_DEVICE_SET_IRQS");
        assertThat(VfioAbi.requestName(0x3B76)).isEqualTo("VFIO_DEVICE_BIND_IOMMUFD");
        assertThat(VfioAbi.requestName(0x3B85)).isEqualTo("IOMMU_IOAS_MAP");
    }

    @Test
    @DisplayName("the real gateway makes real variadic ioctl calls and captures errno (ENOTTY on /dev/null, ENOENT, EBADF)")
    void realGateway() {
        IoctlGateway real = IoctlGateway.system();
        int fd = real.open("/dev/null");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(24, 8);
            assertThatThrownBy(() -> real.ioctl(fd, 0x3B70L, s)).isInstanceOf(ErrnoException.class)
                    .hasMessage("ioctl(VFIO_IOMMU_GET_INFO) failed: ENOTTY (25)");
            assertThatThrownBy(() -> real.ioctlWithValue(fd, 0x3B64L, 0)).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOTTY));
        } finally {
            real.close(fd);
        }
        assertThatThrownBy(() -> real.close(fd)).isInstanceOf(ErrnoException.class).hasMessageContaining("EBADF");
        assertThatThrownBy(() -> real.open("/nonexistent/vfio")).isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOENT));
    }
}
