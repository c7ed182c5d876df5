package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Pagemap reader")
class PagemapReaderTest {

    private static final long PAGE = Libc.pageSize();

    @Test
    @DisplayName("batched and per-page reads of the real pagemap agree, across more than one batch")
    void realPagemap() throws IOException {
        int pages = PagemapReader.BATCH_PAGES + 100;
        try (Arena arena = Arena.ofConfined(); PagemapReader r = PagemapReader.open()) {
            DmaBuffer buf = DmaBuffers.allocate(arena, pages * PAGE, HugePagePolicy.NEVER);
            long[] batched = new long[pages + 2];
            long[] perPage = new long[pages + 2];
            r.readBatched(buf.memory().address(), batched, 1, pages);
            r.readPerPage(buf.memory().address(), perPage, 1, pages);
            for (int i = 1; i <= pages; i++) {
                assertThat(batched[i] & PagemapEntry.PFN_MASK).isEqualTo(perPage[i] & PagemapEntry.PFN_MASK);
                assertThat(new PagemapEntry(batched[i]).present()).isTrue();
            }
            assertThat(batched[0]).isZero();
            assertThat(batched[pages + 1]).isZero();
        }
    }

    @Test
    @DisplayName("a fake pagemap file is read at the virtual page's offset; a short file and bad arguments are errors")
    void fakeFile(@TempDir Path dir) throws IOException {
        long va = 0x7f00_0000_0000L;
        Path f = PagemapDmaMapperTest.fakePagemap(dir, va, 3, i -> 0x100 + i);
        try (PagemapReader r = PagemapReader.open(f, PAGE)) {
            long[] out = new long[3];
            r.readBatched(va, out, 0, 3);
            assertThat(out).containsExactly(0x100, 0x101, 0x102);
            r.readPerPage(va + PAGE, out, 0, 2);
            assertThat(out).containsExactly(0x101, 0x102, 0x102);
            assertThatThrownBy(() -> r.readBatched(va, new long[4], 0, 4)).isInstanceOf(EOFException.class).hasMessageContaining("ended early");
            assertThatThrownBy(() -> r.readBatched(va + 1, out, 0, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> r.readBatched(va, out, 2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> r.readPerPage(va, null, 0, 1)).isInstanceOf(NullPointerException.class);
        }
        assertThatThrownBy(() -> PagemapReader.open(f, 3000)).isInstanceOf(IllegalArgumentException.class);
    }
}
