package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import dev.iomem.testkit.reference.ReferenceCopyModel;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.iomem.testkit.conformance.CopyRuns.runAndCheckBytes;
import static dev.iomem.testkit.conformance.KitCases.pageOf;
import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.expectRefused;
import static dev.iomem.testkit.conformance.KitExpectations.roundTripAt;

/**
 * The checks of slices, inherited by the {@code Slices} class of {@link ArchBackendConformance}:
 * a slice maps its offsets onto the device and reaches nothing outside its range, and copies and
 * fills in a slice at an odd device offset are split by the device address. The hooks through
 * slices are {@link SliceHookChecks}.
 */
abstract class SliceChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("a slice maps its offsets onto the device and reaches nothing outside its own range")
    void isolation() {
        for (BackendUnderTest h : kit().each()) {
            long base = pageOf(h.rules) + 64;
            long size = 256;
            IoAccessor s = h.accessor.slice(base, size);
            String what = h.label + " slice(0x" + Long.toHexString(base) + ", " + size + ")";
            if (s.size() != size || !s.rules().equals(h.accessor.rules()) || s.memoryType() != h.accessor.memoryType() || s.isClosed()) {
                throw ConformanceFailure.of(ConformanceRule.SLICE_ISOLATION, what, base, size,
                        "size " + s.size() + ", rules " + s.rules() + ", " + s.memoryType() + (s.isClosed() ? ", closed" : ""),
                        "size " + size + " and the parent's rules and memory type, open", null);
            }
            try {
                checkSlice(h, s, base, size);
            } catch (ConformanceFailure f) {
                throw f.rule() == ConformanceRule.SLICE_ISOLATION ? f : ConformanceFailure.of(ConformanceRule.SLICE_ISOLATION, what,
                        base, size, f.getMessage(), "the slice's accesses at the device offsets of its range, and only there", null, f);
            }
        }
    }

    private void checkSlice(BackendUnderTest h, IoAccessor s, long base, long size) {
        for (Width w : widths(h.rules)) {
            for (long rel : new long[]{0, 8, size - w.bytes()}) {
                for (boolean ordered : new boolean[]{true, false}) {
                    roundTripAt(h, w, ordered, rel, base + rel, s);
                }
            }
            List<Long> outside = new ArrayList<>(List.of(size, size + 8, (long) -w.bytes()));
            if (!h.rules.naturalAlignment() && w != Width.BYTE) {
                outside.add(size - w.bytes() + 1);
            }
            for (long rel : outside) {
                expectRefused(h, new Refusal("slice " + ScalarAccess.name(w, true, true), base + rel, w.bytes(),
                        OutOfBoundsAccessException.class, () -> ScalarAccess.write(s, w, true, rel, 1)));
                expectRefused(h, new Refusal("slice " + ScalarAccess.name(w, true, false), base + rel, w.bytes(),
                        OutOfBoundsAccessException.class, () -> ScalarAccess.read(s, w, true, rel)));
            }
        }
        MemorySegment tooLong = MemorySegment.ofArray(new byte[(int) size + 1]);
        expectRefused(h, new Refusal("slice copyToIo", base, size + 1, OutOfBoundsAccessException.class, () -> s.copyToIo(tooLong, 0)));
        expectRefused(h, new Refusal("slice copyFromIo", base + 1, size, OutOfBoundsAccessException.class,
                () -> s.copyFromIo(1, MemorySegment.ofArray(new byte[(int) size]))));
        expectRefused(h, new Refusal("slice fillIo", base + 200, 57, OutOfBoundsAccessException.class, () -> s.fillIo(200, 57, (byte) 1)));
        expectRefused(h, new Refusal("slice of slice", base + 250, 7, OutOfBoundsAccessException.class, () -> s.slice(250, 7)));
        IoAccessor inner = s.slice(16, 32);
        roundTripAt(h, widths(h.rules).getFirst(), true, 0, base + 16, inner);
        expectRefused(h, new Refusal("slice of slice write8", base + 48, 1, OutOfBoundsAccessException.class, () -> inner.write8(32, (byte) 1)));
    }

    @Test
    @DisplayName("copies and fills in a slice at an odd device offset are split by the device address")
    void copiesInAnOddSlice() {
        for (BackendUnderTest h : kit().each()) {
            long base = pageOf(h.rules) - 13;
            long size = 300;
            IoAccessor s = h.accessor.slice(base, size);
            long seed = 77;
            long[][] cases = {{0, 300}, {1, 40}, {3, 17}, {5, 200}, {13, 8}, {12, 9}, {0, 13}, {290, 10}};
            for (long[] c : cases) {
                for (Operation op : Operation.values()) {
                    long abs = base + c[0];
                    List<TraceEntry> t = runAndCheckBytes(h, s, op, c[0], abs, (int) c[1], seed++);
                    String what = h.label + " slice(0x" + Long.toHexString(base) + ") " + op.method;
                    CopyTraceChecks.checkInvariants(h.rules, op, what, abs, c[1], t);
                    if (ReferenceCopyModel.covers(h.rules)) {
                        CopyTraceChecks.checkAlgorithm(h.rules, op, what, abs, c[1], h.lastRamAddress, t);
                    }
                }
            }
        }
    }
}
