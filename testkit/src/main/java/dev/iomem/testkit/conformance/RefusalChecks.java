package dev.iomem.testkit.conformance;

import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.IoAccessException;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.ReadOnlyWindowException;
import dev.iomem.api.Width;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.iomem.testkit.conformance.KitCases.boundaryCrossings;
import static dev.iomem.testkit.conformance.KitCases.outOfBoundsOffsets;
import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.expectRefused;

/**
 * The checks of refused accesses, inherited by the {@code RefusedAccesses} class of
 * {@link ArchBackendConformance}: scalars out of bounds, misaligned or across the rules' boundary,
 * writes through a read-only window, copies and fills that do not fit, null buffers and slices
 * outside the window all throw the right exception before any bus traffic.
 */
abstract class RefusalChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("a scalar access outside the window throws OutOfBoundsAccessException and leaves the trace empty")
    void scalarOutOfBounds() {
        for (BackendUnderTest h : kit().each()) {
            long size = h.accessor.size();
            for (Width w : widths(h.rules)) {
                for (long off : outOfBoundsOffsets(size, w)) {
                    // Out of bounds and misaligned at once: either refusal is right.
                    Class<? extends Throwable> expected = h.rules.naturalAlignment() && off % w.bytes() != 0
                            ? IoAccessException.class : OutOfBoundsAccessException.class;
                    for (boolean ordered : new boolean[]{true, false}) {
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), off, w.bytes(), expected,
                                () -> ScalarAccess.write(h.accessor, w, ordered, off, -1L)));
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, false), off, w.bytes(), expected,
                                () -> ScalarAccess.read(h.accessor, w, ordered, off)));
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("a misaligned scalar access throws MisalignedAccessException where the rules demand alignment, with no traffic")
    void misaligned() {
        boolean any = false;
        for (BackendUnderTest h : kit().each()) {
            if (!h.rules.naturalAlignment()) {
                continue;
            }
            any = true;
            for (Width w : widths(h.rules)) {
                for (long k = 1; k < w.bytes(); k++) {
                    long off = 256 + k;
                    for (boolean ordered : new boolean[]{true, false}) {
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), off, w.bytes(), MisalignedAccessException.class,
                                () -> ScalarAccess.write(h.accessor, w, ordered, off, -1L)));
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, false), off, w.bytes(), MisalignedAccessException.class,
                                () -> ScalarAccess.read(h.accessor, w, ordered, off)));
                    }
                }
            }
        }
        Assumptions.assumeTrue(any, "the rules do not demand natural alignment");
    }

    @Test
    @DisplayName("a scalar access that would cross the rules' boundary throws BoundaryCrossingException with no traffic")
    void boundaryCrossing() {
        boolean any = false;
        for (BackendUnderTest h : kit().each()) {
            for (Width w : widths(h.rules)) {
                for (long off : boundaryCrossings(h.rules, w)) {
                    any = true;
                    for (boolean ordered : new boolean[]{true, false}) {
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), off, w.bytes(), BoundaryCrossingException.class,
                                () -> ScalarAccess.write(h.accessor, w, ordered, off, -1L)));
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, false), off, w.bytes(), BoundaryCrossingException.class,
                                () -> ScalarAccess.read(h.accessor, w, ordered, off)));
                    }
                }
            }
        }
        Assumptions.assumeTrue(any, "the rules have no boundary a scalar could cross");
    }

    @Test
    @DisplayName("a write, copy or fill through a window mapped read-only throws ReadOnlyWindowException with no traffic")
    void readOnlyWindow() {
        ArchBackend b = kit().backend();
        for (MemoryType t : kit().memoryTypes()) {
            BackendUnderTest h = BackendUnderTest.openReadOnly(b, t, kit().windowSize());
            for (Width w : widths(h.rules)) {
                for (boolean ordered : new boolean[]{true, false}) {
                    expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), 0, w.bytes(), ReadOnlyWindowException.class,
                            () -> ScalarAccess.write(h.accessor, w, ordered, 0, -1L)), ConformanceRule.READ_ONLY_WINDOW);
                }
            }
            expectRefused(h, new Refusal("copyToIo", 0, 64, ReadOnlyWindowException.class,
                    () -> h.accessor.copyToIo(MemorySegment.ofArray(new byte[64]), 0)), ConformanceRule.READ_ONLY_WINDOW);
            expectRefused(h, new Refusal("fillIo", 0, 64, ReadOnlyWindowException.class,
                    () -> h.accessor.fillIo(0, 64, (byte) 0x5a)), ConformanceRule.READ_ONLY_WINDOW);
            expectRefused(h, new Refusal("write(offset, width)", 0, 4, ReadOnlyWindowException.class,
                    () -> h.accessor.write(0, widths(h.rules).getFirst(), 1)), ConformanceRule.READ_ONLY_WINDOW);
        }
    }

    @Test
    @DisplayName("a copy or fill that does not fit throws OutOfBoundsAccessException before writing a single byte")
    void copyOutOfBounds() {
        for (BackendUnderTest h : kit().each()) {
            long size = h.accessor.size();
            long[][] cases = {{-1, 4}, {size - 36, 37}, {size - 1, 2}, {size, 1}, {size + 1, 0}, {-8, 16},
                    {Long.MAX_VALUE, 2}, {Long.MAX_VALUE - 3, 8}, {8, size}, {0, size + 1}};
            for (long[] c : cases) {
                long off = c[0];
                int len = (int) c[1];
                MemorySegment src = MemorySegment.ofArray(new byte[len]);
                MemorySegment dst = MemorySegment.ofArray(new byte[len]);
                expectRefused(h, new Refusal("copyToIo", off, len, OutOfBoundsAccessException.class, () -> h.accessor.copyToIo(src, off)));
                expectRefused(h, new Refusal("copyFromIo", off, len, OutOfBoundsAccessException.class, () -> h.accessor.copyFromIo(off, dst)));
                expectRefused(h, new Refusal("fillIo", off, len, OutOfBoundsAccessException.class, () -> h.accessor.fillIo(off, len, (byte) 0x5A)));
            }
            for (long len : new long[]{-1, -4096, Long.MIN_VALUE}) {
                expectRefused(h, new Refusal("fillIo", 8, len, OutOfBoundsAccessException.class, () -> h.accessor.fillIo(8, len, (byte) 1)));
            }
            expectRefused(h, new Refusal("fillIo", 16, Long.MAX_VALUE, OutOfBoundsAccessException.class,
                    () -> h.accessor.fillIo(16, Long.MAX_VALUE, (byte) 1)));
        }
    }

    @Test
    @DisplayName("a copy with a null buffer throws NullPointerException with no traffic")
    void nullBuffers() {
        for (BackendUnderTest h : kit().each()) {
            expectRefused(h, new Refusal("copyToIo(null)", 0, 0, NullPointerException.class, () -> h.accessor.copyToIo(null, 0)));
            expectRefused(h, new Refusal("copyFromIo(null)", 0, 0, NullPointerException.class, () -> h.accessor.copyFromIo(0, null)));
        }
    }

    @Test
    @DisplayName("a slice outside the window throws OutOfBoundsAccessException with no traffic")
    void badSlices() {
        for (BackendUnderTest h : kit().each()) {
            long size = h.accessor.size();
            long[][] cases = {{-1, 4}, {0, size + 1}, {size, 1}, {4, -1}, {Long.MAX_VALUE, 2}, {size - 4, 8}};
            for (long[] c : cases) {
                expectRefused(h, new Refusal("slice", c[0], c[1], OutOfBoundsAccessException.class, () -> h.accessor.slice(c[0], c[1])));
            }
        }
    }
}
