package dev.iomem.core.dma;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("IOVA allocator")
class IovaAllocatorTest {

    @Test
    @DisplayName("hands out aligned ranges first fit from the bottom, never address 0, inside the ranges")
    void firstFit() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 40) - 1)), 4096);
        assertThat(a.allocate(0x1000, 4096, -1L)).hasValue(0x1000);
        assertThat(a.allocate(0x2000, 0x10000, -1L)).hasValue(0x10000);
        assertThat(a.allocate(0x1000, 4096, -1L)).hasValue(0x2000);
    }

    @Test
    @DisplayName("respects the DMA mask and skips holes in the IOVA ranges")
    void maskAndHoles() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0x1000, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, 0xffff_ffffL)), 4096);
        assertThat(a.allocate(0xfed0_0000L, 4096, 0xffff_ffffL)).hasValue(0x1000);
        // What is left below 4 GiB: 0xfed01000-0xfedfffff (1 MiB - 4 KiB) and 0xfef00000-0xffffffff.
        assertThat(a.allocate(0x200000, 4096, 0xffff_ffffL)).hasValue(0xfef0_0000L);
        assertThat(a.allocate(0x1_0000_0000L, 4096, -1L)).isEmpty();
        assertThat(a.allocate(0x1000, 4096, 0xfff)).isEmpty();
    }

    @Test
    @DisplayName("released ranges merge with their neighbours and can be handed out again; a double release is refused")
    void release() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0x1000, 0x8fff)), 4096);
        long total = a.freeBytes();
        long x = a.allocate(0x2000, 4096, -1L).orElseThrow();
        long y = a.allocate(0x2000, 4096, -1L).orElseThrow();
        a.release(x, 0x2000);
        a.release(y, 0x2000);
        assertThat(a.freeBytes()).isEqualTo(total);
        assertThat(a.allocate(0x8000, 4096, -1L)).hasValue(0x1000);
        a.release(0x1000, 0x8000);
        assertThatThrownBy(() -> a.release(0x2000, 0x1000)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("ranges at the top of the 64-bit space work without overflow")
    void topOfSpace() {
        IovaAllocator a = new IovaAllocator(List.of(new IovaRange(0xffff_ffff_ffff_0000L, -1L)), 4096);
        long x = a.allocate(0x10000, 4096, -1L).orElseThrow();
        assertThat(x).isEqualTo(0xffff_ffff_ffff_0000L);
        assertThat(a.allocate(0x1000, 4096, -1L)).isEmpty();
        a.release(x, 0x10000);
        assertThat(a.freeBytes()).isEqualTo(0x10000);
    }
}
