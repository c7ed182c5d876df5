package dev.iomem.core.vfio;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.iomem.core.vfio.FakeVfioKernel.REGION_CAPS;
import static dev.iomem.core.vfio.FakeVfioKernel.REGION_MMAP;
import static dev.iomem.core.vfio.FakeVfioKernel.REGION_READ;
import static dev.iomem.core.vfio.FakeVfioKernel.REGION_WRITE;
import static dev.iomem.core.vfio.FakeVfioKernel.ints;
import static dev.iomem.core.vfio.FakeVfioKernel.le;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

/** {@code struct vfio_region_info} and its capability chain, as VfioRegionInfo reads and parses them. */
@DisplayName("VFIO region info and its capabilities")
class VfioRegionInfoTest {

    /** A struct vfio_region_info of {@code 32 + caps.length} bytes with the capabilities at offset 32. */
    private static MemorySegment info(int flags, int index, long size, long offset, int capOffset, byte[] caps) {
        ByteBuffer b = le(32 + caps.length);
        b.putInt(32 + caps.length).putInt(flags).putInt(index).putInt(capOffset).putLong(size).putLong(offset).put(caps);
        return MemorySegment.ofArray(b.array());
    }

    @Test
    @DisplayName("a sparse-mmap capability gives the mappable areas (empty ones skipped) and MSIX_MAPPABLE is seen after it")
    void sparseAndMsix() {
        VfioRegion r = VfioRegionInfo.parse(info(REGION_READ | REGION_WRITE | REGION_MMAP | REGION_CAPS, 2, 0x4000, 2L << 40, 32,
                FakeVfioKernel.sparseAndMsixCaps()), 2);
        assertThat(r.index()).isEqualTo(2);
        assertThat(r.size()).isEqualTo(0x4000);
        assertThat(r.fileOffset()).isEqualTo(2L << 40);
        assertThat(r.readable()).isTrue();
        assertThat(r.writable()).isTrue();
        assertThat(r.mmappable()).isTrue();
        assertThat(r.sparseAreas()).containsExactly(new VfioRegion.Area(0, 0x2000), new VfioRegion.Area(0x3000, 0x1000));
        assertThat(r.mappableAreas()).isEqualTo(r.sparseAreas());
        assertThat(r.wholeMappable()).isFalse();
        assertThat(r.msixMappable()).isTrue();
        assertThat(r.name()).isEqualTo("BAR2");
    }

    @Test
    @DisplayName("MSIX_MAPPABLE alone leaves the whole region mappable; without MMAP nothing is")
    void msixOnly() {
        byte[] msix = le(8).putShort((short) 3).putShort((short) 1).putInt(0).array();
        VfioRegion whole = VfioRegionInfo.parse(info(REGION_READ | REGION_MMAP | REGION_CAPS, 0, 0x2000, 0, 32, msix), 0);
        assertThat(whole.msixMappable()).isTrue();
        assertThat(whole.sparseAreas()).isEmpty();
        assertThat(whole.wholeMappable()).isTrue();
        assertThat(whole.writable()).isFalse();
        VfioRegion none = VfioRegionInfo.parse(info(REGION_READ | REGION_WRITE, 0, 0x2000, 0, 0, new byte[0]), 0);
        assertThat(none.mappableAreas()).isEmpty();
        assertThat(none.wholeMappable()).isFalse();
        assertThat(none.msixMappable()).isFalse();
    }

    @Test
    @DisplayName("a capability chain that loops, points outside the structure, or a sparse list cut off is refused")
    void malformed() {
        byte[] loop = le(8).putShort((short) 3).putShort((short) 1).putInt(32).array(); // next = itself
        assertThatThrownBy(() -> VfioRegionInfo.parse(info(REGION_CAPS, 0, 16, 0, 32, loop), 0))
                .isInstanceOf(VfioException.class).hasMessageContaining("the chain loops");
        assertThatThrownBy(() -> VfioRegionInfo.parse(info(REGION_CAPS, 0, 16, 0, 36, loop), 0))
                .isInstanceOf(VfioException.class).hasMessageContaining("capability at offset 36 lies outside");
        assertThatThrownBy(() -> VfioRegionInfo.parse(info(REGION_CAPS, 0, 16, 0, 8, loop), 0))
                .isInstanceOf(VfioException.class).hasMessageContaining("capability at offset 8");
        byte[] cut = le(32).putShort((short) 1).putShort((short) 1).putInt(0).putInt(2).putInt(0).putLong(0).putLong(16).array();
        assertThatThrownBy(() -> VfioRegionInfo.parse(info(REGION_CAPS | REGION_MMAP, 0, 16, 0, 32, cut), 0))
                .isInstanceOf(VfioException.class).hasMessage("region 0: the sparse mmap capability is cut off");
    }

    @Test
    @DisplayName("reading asks with argsz 32, then again with the argsz the kernel asked for, and parses the second answer")
    void readTwice() {
        IoctlGateway gw = mock(IoctlGateway.class);
        List<byte[]> asked = new ArrayList<>();
        byte[] caps = FakeVfioKernel.sparseAndMsixCaps();
        doAnswer(inv -> {
            MemorySegment s = inv.getArgument(2);
            asked.add(s.toArray(ValueLayout.JAVA_BYTE));
            MemorySegment full = info(REGION_READ | REGION_WRITE | REGION_MMAP | REGION_CAPS, 2, 0x4000, 2L << 40, 32, caps);
            if (s.byteSize() < full.byteSize()) {
                MemorySegment.copy(full, 0, s, 0, 32);
                s.set(ValueLayout.JAVA_INT_UNALIGNED, 12, 0); // no room: no cap_offset
            } else {
                MemorySegment.copy(full, 0, s, 0, full.byteSize());
            }
            return 0;
        }).when(gw).ioctl(anyInt(), anyLong(), any());
        VfioRegion r = VfioRegionInfo.read(gw, 22, 2);
        assertThat(asked).hasSize(2);
        assertThat(asked.get(0)).isEqualTo(ints(32, 0, 2, 0, 0, 0, 0, 0));
        assertThat(asked.get(1)).hasSize(104).startsWith(ints(104, 0, 2));
        assertThat(r.sparseAreas()).hasSize(2);
        assertThat(r.msixMappable()).isTrue();
    }

    @Test
    @DisplayName("a CAPS flag with no room offered is ignored rather than followed into memory that is not there")
    void capsWithoutRoom() {
        IoctlGateway gw = mock(IoctlGateway.class);
        doAnswer(inv -> {
            MemorySegment s = inv.getArgument(2);
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, REGION_READ | REGION_CAPS);
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 12, 0x40); // a cap_offset beyond the 32 bytes
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, 16, 0x100);
            return 0;
        }).when(gw).ioctl(anyInt(), anyLong(), any());
        VfioRegion r = VfioRegionInfo.read(gw, 22, 7);
        assertThat(r.size()).isEqualTo(0x100);
        assertThat(r.sparseAreas()).isEmpty();
        assertThat(r.msixMappable()).isFalse();
        assertThat(r.name()).isEqualTo("config");
    }
}
