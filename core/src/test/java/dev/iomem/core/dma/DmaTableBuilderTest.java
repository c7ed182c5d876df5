package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("DMA table builder")
class DmaTableBuilderTest {

    private static final long PAGE = 4096;

    private static DmaTableBuilder builder(DmaConstraints c) {
        return DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, c, DmaDirection.BIDIRECTIONAL, null, false);
    }

    /** The table's segments as {address, length} pairs. */
    static List<long[]> segments(DmaOnlySgTable t) {
        List<long[]> out = new ArrayList<>();
        t.forEachSegment((i, a, l) -> out.add(new long[] {a, l}));
        return out;
    }

    @Test
    @DisplayName("contiguous pages merge into one segment and a gap starts a new one")
    void coalesces() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED);
        for (int i = 0; i < 8; i++) {
            b.add(0x10_0000 + i * PAGE, PAGE);
        }
        b.add(0x20_0000, PAGE);
        b.add(0x20_1000, PAGE);
        try (DmaOnlySgTable t = b.build(() -> { })) {
            assertThat(segments(t)).containsExactly(new long[] {0x10_0000, 8 * PAGE}, new long[] {0x20_0000, 2 * PAGE});
            assertThat(t.segmentCount()).isEqualTo(2);
            assertThat(t.totalLength()).isEqualTo(10 * PAGE);
            assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.PHYSICAL);
        }
    }

    @Test
    @DisplayName("a page that continues a segment backwards is not merged: order is kept")
    void noBackwardMerge() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED);
        b.add(0x10_1000, PAGE).add(0x10_0000, PAGE);
        assertThat(segments(b.build(() -> { }))).hasSize(2);
    }

    @Test
    @DisplayName("contiguous memory is split at the maximum segment size")
    void splitsAtMaxSegment() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED.withMaxSegmentSize(3 * PAGE));
        for (int i = 0; i < 8; i++) {
            b.add(0x40_0000 + i * PAGE, PAGE);
        }
        assertThat(segments(b.build(() -> { }))).containsExactly(
                new long[] {0x40_0000, 3 * PAGE}, new long[] {0x40_3000, 3 * PAGE}, new long[] {0x40_6000, 2 * PAGE});
    }

    @Test
    @DisplayName("one long range is split at the boundary and never merged across it")
    void splitsAtBoundary() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED.withBoundaryMask(0xFFFF));
        b.add(0x1_E000, 0x6000); // crosses 0x20000
        b.add(0x2_4000, 0x1000); // contiguous, same 64 KiB window: merges
        assertThat(segments(b.build(() -> { }))).containsExactly(new long[] {0x1_E000, 0x2000}, new long[] {0x2_0000, 0x5000});
    }

    @Test
    @DisplayName("a single 4 KiB maximum gives one segment per page even for contiguous memory")
    void onePagePerSegment() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED.withMaxSegmentSize(4096));
        b.add(0x10_0000, 16 * PAGE);
        DmaOnlySgTable t = b.build(() -> { });
        assertThat(t.segmentCount()).isEqualTo(16);
        assertThat(segments(t)).allSatisfy(s -> assertThat(s[1]).isEqualTo(4096));
    }

    @Test
    @DisplayName("no segment is longer than 4 GiB - 1, the scatterlist's unsigned int length")
    void fourGiBLimit() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED.withAlignment(4096));
        b.add(1L << 40, 10L << 30);
        DmaOnlySgTable t = b.build(() -> { });
        assertThat(segments(t)).allSatisfy(s -> {
            assertThat(s[1]).isPositive().isLessThanOrEqualTo(DmaConstraints.MAX_SEGMENT_LENGTH);
            assertThat(s[0] % 4096).isZero();
        });
        assertThat(t.totalLength()).isEqualTo(10L << 30);
    }

    @Test
    @DisplayName("an address above the DMA mask is an error, never truncated, and the builder is unchanged")
    void maskIsEnforced() {
        DmaTableBuilder b = builder(DmaConstraints.KERNEL_DEFAULT);
        b.add(0xFFFF_E000L, 0x1000);
        assertThatThrownBy(() -> b.add(0xFFFF_F000L, 0x2000))
                .isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("above the device's 32-bit DMA mask 0xffffffff")
                .hasMessageContaining("never truncates");
        assertThat(b.segmentCount()).isEqualTo(1);
        assertThat(b.totalLength()).isEqualTo(0x1000);
        b.add(0xFFFF_F000L, 0x1000); // ends exactly at the mask: fine
        assertThat(segments(b.build(() -> { }))).containsExactly(new long[] {0xFFFF_E000L, 0x2000});
    }

    @Test
    @DisplayName("MMIO targets say they cannot bounce")
    void mmioCannotBounce() {
        DmaTableBuilder b = DmaTableBuilder.create(DmaAddressSpace.PCI_BUS, DmaConstraints.KERNEL_DEFAULT,
                DmaDirection.TO_DEVICE, PciAddress.parse("0000:01:00.0"), true);
        assertThatThrownBy(() -> b.add(0x1_0000_0000L, 0x1000)).isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("MMIO cannot bounce");
    }

    @Test
    @DisplayName("physical address 0 is refused; bad lengths and wrapping ranges are refused")
    void badInput() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED);
        assertThatThrownBy(() -> b.add(0, PAGE)).isInstanceOf(DmaMappingException.class).hasMessageContaining("address 0");
        assertThatThrownBy(() -> b.add(PAGE, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> b.add(PAGE, -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(-PAGE, 2 * PAGE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wraps");
        assertThat(b.segmentCount()).isZero();
        DmaTableBuilder iova = DmaTableBuilder.create(DmaAddressSpace.IOVA, DmaConstraints.UNRESTRICTED, DmaDirection.TO_DEVICE, null, false);
        iova.add(0, PAGE); // IOVA 0 is an address like any other for the builder
        assertThat(iova.segmentCount()).isOne();
    }

    @Test
    @DisplayName("a segment that would start unaligned is refused, also when a split would cause it")
    void alignment() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED.withAlignment(4096));
        assertThatThrownBy(() -> b.add(0x1800, 0x800)).isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("alignment of 4096");
        b.add(0x1000, 0x800);
        // Continues the segment: no new start, so no alignment issue.
        b.add(0x1800, 0x800);
        assertThat(b.segmentCount()).isOne();
        // Boundary 2 KiB is below the alignment: the split point 0x2800 would be unaligned.
        DmaTableBuilder tight = builder(DmaConstraints.UNRESTRICTED.withAlignment(4096).withBoundaryMask(0x7FF));
        assertThatThrownBy(() -> tight.add(0x4000, 0x1000)).isInstanceOf(DmaMappingException.class);
        assertThat(tight.segmentCount()).isZero();
        assertThat(tight.totalLength()).isZero();
    }

    @Test
    @DisplayName("a maximum segment size that is not a multiple of the alignment is rounded down so splits stay aligned")
    void maxSegmentRoundedToAlignment() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED.withAlignment(4096).withMaxSegmentSize(10_000));
        b.add(0x10_0000, 5 * PAGE);
        assertThat(segments(b.build(() -> { }))).allSatisfy(s -> {
            assertThat(s[0] % 4096).isZero();
            assertThat(s[1]).isLessThanOrEqualTo(8192);
        });
    }

    @Test
    @DisplayName("build needs a segment, happens once, and ends the builder")
    void buildOnce() {
        DmaTableBuilder b = builder(DmaConstraints.UNRESTRICTED);
        assertThatThrownBy(() -> b.build(() -> { })).isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one");
        b.add(PAGE, PAGE);
        assertThatThrownBy(() -> b.build(null)).isInstanceOf(NullPointerException.class);
        b.build(() -> { });
        assertThatThrownBy(() -> b.build(() -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.add(2 * PAGE, PAGE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DmaTableBuilder.create(null, DmaConstraints.UNRESTRICTED, DmaDirection.TO_DEVICE, null, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.ensureCapacity(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the table records space, device, direction, constraints and MMIO-ness")
    void metadata() {
        PciAddress dev = PciAddress.parse("0000:03:00.1");
        DmaConstraints c = DmaConstraints.KERNEL_DEFAULT;
        DmaOnlySgTable t = DmaTableBuilder.create(DmaAddressSpace.PCI_BUS, c, DmaDirection.FROM_DEVICE, dev, true)
                .add(0x8000_0000L, PAGE).build(() -> { });
        assertThat(t.addressSpace()).isEqualTo(DmaAddressSpace.PCI_BUS);
        assertThat(t.device()).contains(dev);
        assertThat(t.direction()).isEqualTo(DmaDirection.FROM_DEVICE);
        assertThat(t.constraints()).isEqualTo(c);
        assertThat(t.targetIsMmio()).isTrue();
        assertThat(t.toString()).contains("PCI_BUS", "1 segments", "MMIO", "0000:03:00.1");
    }

    @Test
    @DisplayName("random page lists under random constraints: every invariant holds and the bytes covered are exactly those added")
    void randomInvariants() {
        Random rnd = new Random(20261124);
        for (int round = 0; round < 300; round++) {
            int bits = 20 + rnd.nextInt(45);
            long max = 1L << (9 + rnd.nextInt(16));
            long boundary = rnd.nextBoolean() ? -1L : (1L << (12 + rnd.nextInt(10))) - 1;
            long align = 1L << rnd.nextInt(13);
            DmaConstraints c = new DmaConstraints(bits, Math.max(max, align), boundary, align);
            DmaTableBuilder b = builder(c);
            List<long[]> added = new ArrayList<>();
            long cursor = PAGE * (1 + rnd.nextInt(64));
            int n = 1 + rnd.nextInt(200);
            for (int i = 0; i < n; i++) {
                long len = PAGE * (1 + rnd.nextInt(4));
                if (rnd.nextInt(3) == 0) {
                    cursor += PAGE * (1 + rnd.nextInt(8)); // a gap
                }
                try {
                    b.add(cursor, len);
                    added.add(new long[] {cursor, len});
                } catch (DmaMappingException e) {
                    assertThat(Long.compareUnsigned(cursor + len - 1, c.dmaMask())).isPositive();
                }
                cursor += len;
            }
            if (added.isEmpty()) {
                continue;
            }
            DmaOnlySgTable t = b.build(() -> { });
            List<long[]> segs = segments(t);
            long sum = 0;
            for (long[] s : segs) {
                assertThat(s[1]).isPositive().isLessThanOrEqualTo(c.maxSegmentSize());
                assertThat(s[0] % align).isZero();
                assertThat((s[0] & ~boundary)).isEqualTo((s[0] + s[1] - 1) & ~boundary);
                assertThat(Long.compareUnsigned(s[0] + s[1] - 1, c.dmaMask())).isLessThanOrEqualTo(0);
                assertThat(s[0]).isNotZero();
                sum += s[1];
            }
            assertThat(sum).isEqualTo(t.totalLength()).isEqualTo(added.stream().mapToLong(a -> a[1]).sum());
            // Same bytes, in the same order: walk both lists as byte intervals.
            assertThat(flatten(segs)).isEqualTo(flatten(added));
            // Contiguous neighbours exist only where the first one is full: at the (aligned)
            // maximum size, or ending on a boundary.
            long maxChunk = c.maxSegmentSize() >= align ? c.maxSegmentSize() & ~(align - 1) : c.maxSegmentSize();
            for (int i = 1; i < segs.size(); i++) {
                long[] p = segs.get(i - 1);
                long[] s = segs.get(i);
                if (p[0] + p[1] == s[0]) {
                    boolean full = p[1] == maxChunk || ((p[0] + p[1]) & boundary) == 0;
                    assertThat(full).as("segments %d and %d are contiguous but were not merged", i - 1, i).isTrue();
                }
            }
        }
    }

    private static List<Long> flatten(List<long[]> ranges) {
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            if (!merged.isEmpty() && merged.getLast()[0] + merged.getLast()[1] == r[0]) {
                merged.getLast()[1] += r[1];
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        List<Long> out = new ArrayList<>();
        for (long[] r : merged) {
            out.add(r[0]);
            out.add(r[1]);
        }
        return out;
    }
}
