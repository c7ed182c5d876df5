package dev.iomem.testkit.conformance;

import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The conformance kit for a {@link DmaMapper}'s {@link DmaMapper#mapUser} tables. A mapper author
 * writes one subclass that supplies the mapper (and, where it can count them, the live mappings):
 *
 * <pre>{@code
 * class PagemapConformance extends DmaMapperConformance {
 *     @Override protected DmaMapper mapper() { return new PagemapDmaMapper(...); }
 * }
 * }</pre>
 *
 * <p>It checks coverage (the table maps exactly the buffer), constraints (mask, segment size,
 * boundary, alignment), coalescing (contiguous neighbours merged where the constraints allow,
 * never beyond them), homogeneity (one address space, and the table describes what it was built
 * for), close-once, use after close, and refusals of bad input that leave nothing mapped. It uses
 * only the {@code dev.iomem.api.dma} interfaces. A mapper that cannot work in this JVM (no
 * privilege to read PFNs, no VFIO container) should make {@link #mapper()} abort the test with
 * {@link org.junit.jupiter.api.Assumptions}.
 */
@DisplayName("DmaMapper conformance")
public abstract class DmaMapperConformance {

    /** For subclasses. */
    protected DmaMapperConformance() {
    }

    /** {@return the mapper under test} Called once per check. */
    protected abstract DmaMapper mapper();

    /** {@return the device the tables are built for; {@code 0000:00:00.0} by default} */
    protected PciAddress device() {
        return new PciAddress(0, 0, 0, 0);
    }

    /** {@return the page size buffers are aligned to; 4096 by default} */
    protected long pageSize() {
        return 4096;
    }

    /** {@return how many pages the mapped buffers have; 16 by default} */
    protected int bufferPages() {
        return 16;
    }

    /**
     * {@return a page-aligned native buffer to map}
     *
     * @param arena the arena that owns it
     * @param size  its size in bytes, a multiple of {@link #pageSize()}
     */
    protected MemorySegment buffer(Arena arena, long size) {
        MemorySegment s = arena.allocate(size, pageSize());
        s.fill((byte) 1); // touched, so every page is present
        return s;
    }

    /**
     * {@return how many mappings the mapper holds now, if the subclass can tell (a fake kernel
     * can); empty if not, and close-once is then checked only through the table}
     */
    protected OptionalInt liveMappings() {
        return OptionalInt.empty();
    }

    /** {@return whether contiguous neighbours must be merged wherever the constraints allow; true by default} */
    protected boolean coalescesFully() {
        return true;
    }

    private record Segment(long address, long length) {
    }

    private static List<Segment> segments(DmaOnlySgTable t) {
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < t.segmentCount(); i++) {
            out.add(new Segment(t.dmaAddress(i), t.length(i)));
        }
        return out;
    }

    private String what(String op, DmaConstraints c) {
        return mapper().name() + " " + op + " with " + c;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** Maps a fresh buffer and runs {@code check} on the table, closing it afterwards; a DmaMappingException is returned instead. */
    private DmaMappingException withTable(DmaConstraints c, DmaDirection dir, java.util.function.BiConsumer<DmaOnlySgTable, Long> check) {
        try (Arena arena = Arena.ofConfined()) {
            long size = pageSize() * bufferPages();
            MemorySegment buf = buffer(arena, size);
            DmaOnlySgTable t;
            try {
                t = mapper().mapUser(device(), buf, dir, c);
            } catch (DmaMappingException e) {
                return e;
            }
            try {
                check.accept(t, size);
            } finally {
                t.close();
            }
            return null;
        }
    }

    private void checkConstraints(DmaOnlySgTable t, DmaConstraints c, long size) {
        String what = what("mapUser", c);
        List<Segment> segs = segments(t);
        long mask = c.dmaMask();
        long boundary = c.boundaryMask();
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            long last = s.address + s.length - 1;
            String seg = "segment #" + i + " [" + hex(s.address) + " + " + s.length + "]";
            if (s.length <= 0 || s.length > c.maxSegmentSize() || s.length > DmaConstraints.MAX_SEGMENT_LENGTH) {
                throw ConformanceFailure.of(ConformanceRule.DMA_CONSTRAINTS, what, s.address, s.length, seg,
                        "a length of 1 to " + c.maxSegmentSize(), null);
            }
            if (Long.compareUnsigned(last, mask) > 0 || Long.compareUnsigned(last, s.address) < 0) {
                throw ConformanceFailure.of(ConformanceRule.DMA_CONSTRAINTS, what, s.address, s.length, seg + " ending at " + hex(last),
                        "every byte at or below the DMA mask " + hex(mask), null);
            }
            if (boundary != -1L && (s.address & ~boundary) != (last & ~boundary)) {
                throw ConformanceFailure.of(ConformanceRule.DMA_CONSTRAINTS, what, s.address, s.length, seg + " crossing a multiple of " + hex(boundary + 1),
                        "no segment crossing the boundary", null);
            }
            if (Long.remainderUnsigned(s.address, c.alignment()) != 0) {
                throw ConformanceFailure.of(ConformanceRule.DMA_CONSTRAINTS, what, s.address, s.length, seg,
                        "addresses that are multiples of " + c.alignment(), null);
            }
        }
    }

    @Nested
    @DisplayName("Coverage")
    class Coverage {

        @Test
        @DisplayName("a table maps exactly the buffer: the segment lengths add up to its size, every one of them positive")
        void exact() {
            DmaConstraints c = DmaConstraints.UNRESTRICTED;
            DmaMappingException e = withTable(c, DmaDirection.BIDIRECTIONAL, (t, size) -> {
                String what = what("mapUser", c);
                List<Segment> segs = segments(t);
                long sum = segs.stream().mapToLong(Segment::length).sum();
                if (segs.isEmpty() || sum != size || t.totalLength() != size) {
                    throw ConformanceFailure.of(ConformanceRule.DMA_COVERAGE, what, 0, size,
                            segs.size() + " segments adding up to " + sum + " B, totalLength() " + t.totalLength(),
                            "segments adding up to the buffer's " + size + " B", null);
                }
                List<Segment> visited = new ArrayList<>();
                t.forEachSegment((index, address, length) -> {
                    if (index != visited.size()) {
                        throw ConformanceFailure.of(ConformanceRule.DMA_COVERAGE, what + " forEachSegment", address, length,
                                "index " + index + " after " + visited.size() + " segments", "indexes in order from 0", null);
                    }
                    visited.add(new Segment(address, length));
                });
                if (!visited.equals(segs)) {
                    throw ConformanceFailure.of(ConformanceRule.DMA_COVERAGE, what + " forEachSegment", 0, size,
                            visited.toString(), "the segments of dmaAddress(i)/length(i): " + segs, null);
                }
            });
            if (e != null) {
                throw ConformanceFailure.of(ConformanceRule.DMA_COVERAGE, what("mapUser", c), 0, pageSize() * bufferPages(),
                        "DmaMappingException: " + e.getMessage(), "a table for an unrestricted 64-bit device", null, e);
            }
        }

        @Test
        @DisplayName("segment indexes outside the table throw IndexOutOfBoundsException")
        void indexes() {
            withTable(DmaConstraints.UNRESTRICTED, DmaDirection.TO_DEVICE, (t, size) -> {
                for (int i : new int[]{-1, t.segmentCount(), Integer.MAX_VALUE}) {
                    for (Supplier<Object> call : List.<Supplier<Object>>of(() -> t.dmaAddress(i), () -> t.length(i))) {
                        try {
                            call.get();
                            throw ConformanceFailure.of(ConformanceRule.DMA_COVERAGE, mapper().name() + " segment " + i, 0, size,
                                    "a value", "IndexOutOfBoundsException", null);
                        } catch (IndexOutOfBoundsException expected) {
                            // as the contract says
                        }
                    }
                }
            });
        }
    }

    @Nested
    @DisplayName("Constraints and coalescing")
    class ConstraintsAndCoalescing {

        private List<DmaConstraints> constraints() {
            long page = pageSize();
            return List.of(DmaConstraints.UNRESTRICTED,
                    DmaConstraints.UNRESTRICTED.withMaxSegmentSize(page),
                    DmaConstraints.UNRESTRICTED.withMaxSegmentSize(page + page / 2),
                    DmaConstraints.UNRESTRICTED.withBoundaryMask(2 * page - 1),
                    DmaConstraints.UNRESTRICTED.withAlignment(page),
                    DmaConstraints.KERNEL_DEFAULT,
                    DmaConstraints.UNRESTRICTED.withAddressBits(12));
        }

        @Test
        @DisplayName("every segment is inside the DMA mask, the segment size, the boundary and the alignment, or the mapping is refused")
        void withinConstraints() {
            for (DmaConstraints c : constraints()) {
                OptionalInt before = liveMappings();
                DmaMappingException refused = withTable(c, DmaDirection.FROM_DEVICE, (t, size) -> {
                    checkConstraints(t, c, size);
                    long sum = segments(t).stream().mapToLong(Segment::length).sum();
                    if (sum != size) {
                        throw ConformanceFailure.of(ConformanceRule.DMA_COVERAGE, what("mapUser", c), 0, size, sum + " B mapped", size + " B", null);
                    }
                });
                if (refused != null && before.isPresent() && liveMappings().getAsInt() != before.getAsInt()) {
                    throw ConformanceFailure.of(ConformanceRule.DMA_REFUSAL, what("mapUser", c), 0, 0,
                            (liveMappings().getAsInt() - before.getAsInt()) + " mappings left after \"" + refused.getMessage() + "\"",
                            "nothing left mapped by a refused mapping", null, refused);
                }
            }
        }

        @Test
        @DisplayName("contiguous neighbours are merged wherever the constraints allow, and never beyond them")
        void coalescing() {
            for (DmaConstraints c : constraints()) {
                withTable(c, DmaDirection.TO_DEVICE, (t, size) -> {
                    checkConstraints(t, c, size);
                    if (!coalescesFully()) {
                        return;
                    }
                    List<Segment> segs = segments(t);
                    for (int i = 0; i + 1 < segs.size(); i++) {
                        Segment a = segs.get(i);
                        Segment b = segs.get(i + 1);
                        if (a.address + a.length != b.address) {
                            continue;
                        }
                        long merged = a.length + b.length;
                        long last = b.address + b.length - 1;
                        boolean fits = merged <= c.maxSegmentSize()
                                && (c.boundaryMask() == -1L || (a.address & ~c.boundaryMask()) == (last & ~c.boundaryMask()));
                        if (fits) {
                            throw ConformanceFailure.of(ConformanceRule.DMA_COALESCING, what("mapUser", c), a.address, merged,
                                    "segments #" + i + " [" + hex(a.address) + " + " + a.length + "] and #" + (i + 1) + " [" + hex(b.address) + " + " + b.length + "] left apart",
                                    "contiguous neighbours within the constraints merged into one segment", null);
                        }
                    }
                });
            }
        }
    }

    @Nested
    @DisplayName("Homogeneity")
    class Homogeneity {

        @Test
        @DisplayName("a table is in the mapper's one address space, not MMIO, and reports the device, direction and constraints it was built for")
        void describesItself() {
            for (DmaDirection dir : DmaDirection.values()) {
                DmaConstraints c = DmaConstraints.UNRESTRICTED.withMaxSegmentSize(pageSize() * 2);
                withTable(c, dir, (t, size) -> {
                    String what = what("mapUser " + dir, c);
                    DmaMapper m = mapper();
                    List<String> wrong = new ArrayList<>();
                    if (t.addressSpace() != m.addressSpace()) {
                        wrong.add("address space " + t.addressSpace() + " (mapper says " + m.addressSpace() + ")");
                    }
                    if (t.targetIsMmio()) {
                        wrong.add("targetIsMmio() true for user memory");
                    }
                    if (!t.device().equals(java.util.Optional.of(device()))) {
                        wrong.add("device " + t.device());
                    }
                    if (t.direction() != dir) {
                        wrong.add("direction " + t.direction());
                    }
                    if (!c.equals(t.constraints())) {
                        wrong.add("constraints " + t.constraints());
                    }
                    if (!wrong.isEmpty()) {
                        throw ConformanceFailure.of(ConformanceRule.DMA_HOMOGENEOUS, what, 0, size, String.join(", ", wrong),
                                m.addressSpace() + ", RAM, " + device() + ", " + dir + ", " + c, null);
                    }
                });
            }
        }
    }

    @Nested
    @DisplayName("Closing")
    class Closing {

        @Test
        @DisplayName("close unmaps exactly once, later closes do nothing, and every other method then throws IllegalStateException")
        void closeOnce() {
            try (Arena arena = Arena.ofConfined()) {
                long size = pageSize() * bufferPages();
                OptionalInt before = liveMappings();
                DmaOnlySgTable t = mapper().mapUser(device(), buffer(arena, size), DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED);
                String what = mapper().name() + " table close()";
                t.close();
                OptionalInt afterOne = liveMappings();
                try {
                    t.close();
                } catch (RuntimeException e) {
                    throw ConformanceFailure.of(ConformanceRule.DMA_CLOSE, what, 0, size, "second close threw " + e, "nothing", null, e);
                }
                if (!t.isClosed()) {
                    throw ConformanceFailure.of(ConformanceRule.DMA_CLOSE, what, 0, size, "isClosed() false", "true", null);
                }
                if (before.isPresent() && (afterOne.getAsInt() != before.getAsInt() || liveMappings().getAsInt() != before.getAsInt())) {
                    throw ConformanceFailure.of(ConformanceRule.DMA_CLOSE, what, 0, size,
                            "live mappings " + before.getAsInt() + " before, " + afterOne.getAsInt() + " after one close, " + liveMappings().getAsInt() + " after two",
                            "back to " + before.getAsInt() + " after the first close and unchanged by the second", null);
                }
                List<Supplier<Object>> calls = List.of(t::segmentCount, () -> t.dmaAddress(0), () -> t.length(0), t::totalLength,
                        t::addressSpace, t::targetIsMmio, t::device, t::direction, t::constraints,
                        () -> {
                            t.forEachSegment((i, a, l) -> { });
                            return null;
                        });
                String[] names = {"segmentCount", "dmaAddress(0)", "length(0)", "totalLength", "addressSpace", "targetIsMmio",
                    "device", "direction", "constraints", "forEachSegment"};
                for (int i = 0; i < calls.size(); i++) {
                    try {
                        Object v = calls.get(i).get();
                        throw ConformanceFailure.of(ConformanceRule.DMA_CLOSE, mapper().name() + " table " + names[i] + " after close", 0, size,
                                "it returned " + v, "IllegalStateException", null);
                    } catch (IllegalStateException expected) {
                        // as the contract says
                    }
                }
            }
        }
    }

    @Nested
    @DisplayName("Refusals")
    class Refusals {

        @Test
        @DisplayName("null arguments, heap, empty and unaligned buffers are refused with the contracted exception and nothing is mapped")
        void badInput() {
            try (Arena arena = Arena.ofConfined()) {
                long size = pageSize() * 2;
                MemorySegment good = buffer(arena, size);
                DmaMapper m = mapper();
                record Case(String what, Class<? extends Throwable> expected, Runnable call) {
                }
                List<Case> cases = List.of(
                        new Case("null device", NullPointerException.class, () -> m.mapUser(null, good, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
                        new Case("null buffer", NullPointerException.class, () -> m.mapUser(device(), null, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
                        new Case("null direction", NullPointerException.class, () -> m.mapUser(device(), good, null, DmaConstraints.UNRESTRICTED)),
                        new Case("null constraints", NullPointerException.class, () -> m.mapUser(device(), good, DmaDirection.TO_DEVICE, null)),
                        new Case("a heap buffer", IllegalArgumentException.class,
                                () -> m.mapUser(device(), MemorySegment.ofArray(new byte[(int) size]), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
                        new Case("an empty buffer", IllegalArgumentException.class,
                                () -> m.mapUser(device(), good.asSlice(0, 0), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
                        new Case("a buffer not page aligned", IllegalArgumentException.class,
                                () -> m.mapUser(device(), good.asSlice(8, pageSize()), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)));
                for (Case c : cases) {
                    OptionalInt before = liveMappings();
                    Throwable thrown = null;
                    try {
                        c.call.run();
                    } catch (Throwable t) {
                        thrown = t;
                    }
                    if (thrown == null || !c.expected.isInstance(thrown)) {
                        throw ConformanceFailure.of(ConformanceRule.DMA_REFUSAL, m.name() + " mapUser with " + c.what, 0, size,
                                thrown == null ? "a table" : thrown.toString(), c.expected.getSimpleName(), null, thrown);
                    }
                    if (before.isPresent() && liveMappings().getAsInt() != before.getAsInt()) {
                        throw ConformanceFailure.of(ConformanceRule.DMA_REFUSAL, m.name() + " mapUser with " + c.what, 0, size,
                                "live mappings changed from " + before.getAsInt() + " to " + liveMappings().getAsInt(), "nothing mapped", null);
                    }
                }
            }
        }
    }
}
