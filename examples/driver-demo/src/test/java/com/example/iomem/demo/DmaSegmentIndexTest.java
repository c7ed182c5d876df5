package com.example.iomem.demo;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.core.dma.DmaTableBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("DmaSegmentIndex")
class DmaSegmentIndexTest {

    /** Three pages: two contiguous (coalesced into one segment), then one far away. */
    private static DmaSegmentIndex threePages() {
        DmaOnlySgTable table = DmaTableBuilder.create(DmaAddressSpace.IOVA, DmaConstraints.UNRESTRICTED,
                        DmaDirection.BIDIRECTIONAL, null, false)
                .add(0x10_0000, 4096).add(0x10_1000, 4096).add(0x80_0000, 4096)
                .build(() -> { });
        return DmaSegmentIndex.of(table);
    }

    @Test
    @DisplayName("takes the segments of the table in buffer order, contiguous pages coalesced")
    void segments() {
        DmaSegmentIndex index = threePages();
        assertThat(index.segmentCount()).isEqualTo(2);
        assertThat(index.dmaAddress(0)).isEqualTo(0x10_0000);
        assertThat(index.length(0)).isEqualTo(8192);
        assertThat(index.bufferOffset(1)).isEqualTo(8192);
        assertThat(index.totalLength()).isEqualTo(3 * 4096);
    }

    @Test
    @DisplayName("translates a DMA address inside a segment to its buffer offset")
    void translatesInside() {
        DmaSegmentIndex index = threePages();
        assertThat(index.bufferOffsetOf(0x10_0000, 1)).isZero();
        assertThat(index.bufferOffsetOf(0x10_1ff0, 16)).isEqualTo(0x1ff0);
        assertThat(index.bufferOffsetOf(0x80_0010, 4080)).isEqualTo(8192 + 16);
    }

    @Test
    @DisplayName("rejects an address below every segment")
    void rejectsBelow() {
        assertThatThrownBy(() -> threePages().bufferOffsetOf(0x0f_ffff, 1))
                .isInstanceOf(DmaFault.class).hasMessageContaining("outside every segment");
    }

    @Test
    @DisplayName("rejects an address in the gap between two segments")
    void rejectsGap() {
        assertThatThrownBy(() -> threePages().bufferOffsetOf(0x10_2000, 4))
                .isInstanceOf(DmaFault.class).hasMessageContaining("0x102000").hasMessageContaining("outside every segment");
    }

    @Test
    @DisplayName("rejects an address past the end of the last segment")
    void rejectsPastEnd() {
        DmaSegmentIndex index = threePages();
        long above = index.firstAddressAboveAll();
        assertThat(above).isEqualTo(0x80_1000);
        assertThatThrownBy(() -> index.bufferOffsetOf(above, 1)).isInstanceOf(DmaFault.class)
                .satisfies(e -> assertThat(((DmaFault) e).dmaAddress()).isEqualTo(above));
    }

    @Test
    @DisplayName("rejects a range that starts in a segment and runs past its end, though the buffer goes on")
    void rejectsStraddle() {
        assertThatThrownBy(() -> threePages().bufferOffsetOf(0x10_1ffc, 8))
                .isInstanceOf(DmaFault.class).hasMessageContaining("runs past the end of segment 0 (0x100000 + 8192 B) by 4 B");
    }

    @Test
    @DisplayName("rejects a length that is not positive")
    void rejectsEmpty() {
        assertThatThrownBy(() -> threePages().bufferOffsetOf(0x10_0000, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("tells the driver where a buffer byte is and how far the segment goes")
    void runs() {
        DmaSegmentIndex index = threePages();
        assertThat(index.runAt(0)).isEqualTo(new DmaRun(0x10_0000, 8192, 0));
        assertThat(index.runAt(8191)).isEqualTo(new DmaRun(0x10_1fff, 1, 0));
        assertThat(index.runAt(8192)).isEqualTo(new DmaRun(0x80_0000, 4096, 1));
        assertThat(index.runAt(8192 + 100)).isEqualTo(new DmaRun(0x80_0064, 3996, 1));
        assertThatThrownBy(() -> index.runAt(3 * 4096)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> index.runAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
