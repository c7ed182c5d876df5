package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Pagemap DMA mapper (real /proc/self/pagemap, as root)")
class PagemapDmaMapperTest {

    private static final long PAGE = Libc.pageSize();
    private static final long MIB = 1 << 20;

    @Test
    @DisplayName("maps a DMA buffer: lengths add up exactly, every address is nonzero, page aligned and PHYSICAL, as pagemap says")
    void mapsBuffer() throws IOException {
        PagemapDmaMapper mapper = PagemapDmaMapper.create();
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            DmaBuffer buf = DmaBuffers.allocate(arena, 8 * MIB, HugePagePolicy.NEVER);
            long[] entries = new long[(int) (8 * MIB / PAGE)];
            try (PagemapReader r = PagemapReader.open()) {
                r.readBatched(buf.memory().address(), entries, 0, entries.length);
            }
            try (DmaOnlySgTable t = mapper.mapUser(buf.memory(), DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED)) {
                assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
                assertThat(t.totalLength()).isEqualTo(8 * MIB);
                assertThat(t.device()).isEmpty();
                assertThat(t.segmentCount()).isBetween(1, entries.length);
                long[] sum = {0};
                long[] page = {0};
                t.forEachSegment((i, a, l) -> {
                    assertThat(a).isNotZero();
                    assertThat(a % PAGE).isZero();
                    assertThat(l % PAGE).isZero();
                    // Every page of the segment is the page pagemap names, in order.
                    for (long off = 0; off < l; off += PAGE) {
                        assertThat(a + off).isEqualTo((entries[(int) page[0]] & PagemapEntry.PFN_MASK) * PAGE);
                        page[0]++;
                    }
                    sum[0] += l;
                });
                assertThat(sum[0]).isEqualTo(8 * MIB);
                // The buffer is still held locked by its allocation: mapping locks nothing more.
                assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(8 * MIB);
            }
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(8 * MIB);
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("maps memory it did not allocate: locks it while the table is open and unlocks it exactly on close")
    void locksForeignMemory() {
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(2 * MIB + 512, PAGE);
            PciAddress dev = PciAddress.parse("0000:00:1f.0");
            DmaOnlySgTable t = PagemapDmaMapper.create().mapUser(dev, mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED);
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(2 * MIB + PAGE);
            assertThat(t.totalLength()).isEqualTo(2 * MIB + 512);
            assertThat(t.length(t.segmentCount() - 1) % PAGE).isEqualTo(512);
            assertThat(t.device()).contains(dev);
            t.close();
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
            t.close();
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
        }
    }

    @Test
    @DisplayName("a 4096-byte maximum gives one segment per page; a boundary mask is never crossed")
    void constraints() {
        try (Arena arena = Arena.ofConfined()) {
            DmaBuffer buf = DmaBuffers.allocate(arena, 4 * MIB, HugePagePolicy.NEVER);
            PagemapDmaMapper m = PagemapDmaMapper.create();
            try (DmaOnlySgTable t = m.mapUser(buf.memory(), DmaDirection.FROM_DEVICE, DmaConstraints.UNRESTRICTED.withMaxSegmentSize(4096))) {
                assertThat(t.segmentCount()).isEqualTo((int) (4 * MIB / PAGE));
                t.forEachSegment((i, a, l) -> assertThat(l).isLessThanOrEqualTo(4096));
            }
            long boundary = 16 * 1024 - 1;
            try (DmaOnlySgTable t = m.mapUser(buf.memory(), DmaDirection.FROM_DEVICE, DmaConstraints.UNRESTRICTED.withBoundaryMask(boundary))) {
                t.forEachSegment((i, a, l) -> assertThat(a & ~boundary).isEqualTo((a + l - 1) & ~boundary));
                assertThat(t.totalLength()).isEqualTo(4 * MIB);
            }
        }
    }

    @Test
    @DisplayName("batched and per-page pagemap reads build the same table")
    void perPageSameAsBatched() {
        try (Arena arena = Arena.ofConfined()) {
            DmaBuffer buf = DmaBuffers.allocate(arena, 2 * MIB, HugePagePolicy.NEVER);
            List<long[]> batched;
            List<long[]> perPage;
            try (DmaOnlySgTable t = PagemapDmaMapper.create(PagemapReads.BATCHED).mapUser(buf.memory(), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)) {
                batched = DmaTableBuilderTest.segments(t);
            }
            PagemapDmaMapper slow = PagemapDmaMapper.create(PagemapReads.PER_PAGE);
            assertThat(slow.reads()).isEqualTo(PagemapReads.PER_PAGE);
            try (DmaOnlySgTable t = slow.mapUser(buf.memory(), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)) {
                perPage = DmaTableBuilderTest.segments(t);
            }
            assertThat(perPage).usingRecursiveComparison().isEqualTo(batched);
        }
    }

    @Test
    @DisplayName("a DMA mask too small for the memory is an error, and nothing stays locked")
    void maskTooSmall() {
        long before = ProcSelfStatus.lockedBytes();
        int holds = LockedRanges.liveHolds();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(MIB, PAGE);
            assertThatThrownBy(() -> PagemapDmaMapper.create().mapUser(mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED.withAddressBits(12)))
                    .isInstanceOf(DmaMappingException.class)
                    .hasMessageContaining("12-bit DMA mask 0xfff")
                    .hasMessageContaining("never truncates");
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
            assertThat(LockedRanges.liveHolds()).isEqualTo(holds);
        }
    }

    @Test
    @DisplayName("PFN 0 (what an unprivileged process sees) is refused with a privilege message, and nothing stays locked")
    void hiddenPfnsFromAFakePagemap(@TempDir Path dir) throws IOException {
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(16 * PAGE, PAGE);
            Path fake = fakePagemap(dir, mem.address(), 16, i -> (1L << 63) | (1L << 61)); // present, PFN hidden
            assertThatThrownBy(() -> PagemapDmaMapper.withPagemapFile(fake).mapUser(mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(DmaMappingException.class)
                    .hasMessageContaining("PFN 0 for page 0 of the buffer")
                    .hasMessageContaining("CAP_SYS_ADMIN privilege");
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);

            Path holey = fakePagemap(dir, mem.address(), 16, i -> i == 9 ? 0 : (1L << 63) | (0x1000 + i));
            assertThatThrownBy(() -> PagemapDmaMapper.withPagemapFile(holey).mapUser(mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(DmaMappingException.class)
                    .hasMessageContaining("page 9 of the buffer is not present");
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);

            // Chosen PFNs: 0x1000..0x1007 contiguous, then 0x2000.. contiguous: two segments.
            Path good = fakePagemap(dir, mem.address(), 16, i -> (1L << 63) | (i < 8 ? 0x1000 + i : 0x2000 + i));
            try (DmaOnlySgTable t = PagemapDmaMapper.withPagemapFile(good).mapUser(mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)) {
                assertThat(DmaTableBuilderTest.segments(t)).containsExactly(
                        new long[] {0x1000 * PAGE, 8 * PAGE}, new long[] {0x2008 * PAGE, 8 * PAGE});
            }
            Path shortFile = fakePagemap(dir, mem.address(), 4, i -> (1L << 63) | (0x1000 + i));
            assertThatThrownBy(() -> PagemapDmaMapper.withPagemapFile(shortFile).mapUser(mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(DmaMappingException.class).hasMessageContaining("ended early");
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
        }
    }

    /** A sparse file with entries for {@code pages} pages from {@code address}. */
    static Path fakePagemap(Path dir, long address, int pages, java.util.function.LongUnaryOperator entry) throws IOException {
        Path f = dir.resolve("pagemap-" + System.nanoTime());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ByteBuffer b = ByteBuffer.allocate(pages * 8).order(ByteOrder.nativeOrder());
            for (int i = 0; i < pages; i++) {
                b.putLong(entry.applyAsLong(i));
            }
            b.flip();
            ch.write(b, address / PAGE * 8);
        }
        return f;
    }

    @Test
    @DisplayName("heap, empty, unaligned and null buffers are refused before anything is locked")
    void badBuffers() {
        PagemapDmaMapper m = PagemapDmaMapper.create();
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(4 * PAGE, PAGE);
            assertThatThrownBy(() -> m.mapUser(MemorySegment.ofArray(new byte[8192]), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("native");
            assertThatThrownBy(() -> m.mapUser(mem.asSlice(0, 0), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> m.mapUser(mem.asSlice(8), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page boundary");
            assertThatThrownBy(() -> m.mapUser(null, mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.mapUser(mem, null, DmaConstraints.UNRESTRICTED)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> m.mapUser(mem, DmaDirection.TO_DEVICE, null)).isInstanceOf(NullPointerException.class);
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
        assertThat(m.name()).isEqualTo("pagemap");
        assertThat(m.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
    }

    @Test
    @DisplayName("peer BAR mapping checks its arguments first (routing is tested with the PCI topology)")
    void peerBarArguments() {
        PagemapDmaMapper m = PagemapDmaMapper.create();
        PciAddress a = PciAddress.parse("0000:01:00.0");
        PciAddress b = PciAddress.parse("0000:02:00.0");
        assertThatThrownBy(() -> m.mapPciBar(a, 6, 0, 4096, b, DmaConstraints.UNRESTRICTED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.mapPciBar(a, 0, 0, 0, b, DmaConstraints.UNRESTRICTED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.mapPciBar(null, 0, 0, 1, b, DmaConstraints.UNRESTRICTED)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.mapPciBar(PciAddress.parse("0000:7f:00.0"), 0, 0, 1, b, DmaConstraints.UNRESTRICTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PCI function 0000:7f:00.0");
    }
}
