package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import dev.iomem.testkit.reference.ReferenceCopyModel;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.TraceEntry;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;

import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * A window larger than 4 GiB (prefetchable BARs of GPUs and NICs are): every offset is a
 * {@code long} all the way down. The simulated window is sparse, so 5 GiB cost only the pages a
 * check touches. A failure here is reported as {@code large-window}, with the rule it broke.
 */
final class LargeWindowChecks {

    /** The window: 5 GiB. */
    static final long SIZE = 5L << 30;
    private static final long G2 = 1L << 31;
    private static final long G4 = 1L << 32;

    private LargeWindowChecks() {
    }

    private static List<BackendUnderTest> each(ArchBackendConformance kit) {
        List<BackendUnderTest> out = new ArrayList<>();
        for (MemoryType t : kit.memoryTypes()) {
            out.add(BackendUnderTest.openSparse(kit.backend(), t, SIZE));
        }
        return out;
    }

    /** Runs a check and reports any failure of it as {@link ConformanceRule#LARGE_WINDOW}. */
    private static void beyond4GiB(BackendUnderTest h, String what, long off, long len, Runnable check) {
        try {
            check.run();
        } catch (ConformanceFailure f) {
            if (f.rule() == ConformanceRule.LARGE_WINDOW) {
                throw f;
            }
            throw ConformanceFailure.of(ConformanceRule.LARGE_WINDOW, h.label + " " + what, off, len, "a failure: " + f.getMessage(),
                    "the access at exactly offset " + hex(off) + ", as it is in a small window", null, f);
        }
    }

    /** Offsets around 2 GiB, 4 GiB and the end where a scalar of width {@code w} is allowed. */
    private static List<Long> offsets(BackendUnderTest h, Width w, long size) {
        List<Long> out = new ArrayList<>();
        long n = w.bytes();
        for (long o : new long[]{G2 - n, G2, G2 + 8, G2 - 1, G4 - n, G4, G4 - 2, G4 + 24, G4 + G2 / 4 + 16, size - n}) {
            if (o < 0 || o > size - n || (h.rules.naturalAlignment() && o % n != 0)) {
                continue;
            }
            long b = h.rules.boundary();
            if (b != 0 && o / b != (o + n - 1) / b) {
                continue;
            }
            out.add(o);
        }
        return out;
    }

    static void scalars(ArchBackendConformance kit) {
        for (BackendUnderTest h : each(kit)) {
            for (Width w : KitCases.widths(h.rules)) {
                for (long off : offsets(h, w, SIZE)) {
                    for (boolean ordered : new boolean[]{true, false}) {
                        beyond4GiB(h, ScalarAccess.name(w, ordered, true), off, w.bytes(),
                                () -> KitExpectations.roundTripAt(h, w, ordered, off, off, h.accessor));
                    }
                    long v = ScalarAccess.pattern(w, off >>> 20);
                    beyond4GiB(h, ScalarAccess.genericName(w, true), off, w.bytes(), () -> {
                        List<TraceEntry> t = h.run(ScalarAccess.genericName(w, true), off, w.bytes(), () -> ScalarAccess.writeGeneric(h.accessor, w, off, v));
                        KitExpectations.expectSingle(h, ScalarAccess.genericName(w, true), AccessKind.STORE, off, w, t);
                        long got = h.runValue(ScalarAccess.genericName(w, false), off, w.bytes(), () -> ScalarAccess.readGeneric(h.accessor, w, off));
                        if (got != v || h.bus.peekValue(off, w) != v) {
                            throw ConformanceFailure.of(ConformanceRule.SCALAR_ROUND_TRIP, h.label + " " + ScalarAccess.genericName(w, false), off, w.bytes(),
                                    hex(got) + " read, " + hex(h.bus.peekValue(off, w)) + " in device memory", hex(v), h.device.trace().entries());
                        }
                    });
                }
                for (long off : new long[]{SIZE, SIZE + 8, SIZE - w.bytes() + 1, G4 * 2}) {
                    if (off == SIZE - w.bytes() + 1 && w == Width.BYTE) {
                        continue;
                    }
                    Class<? extends Throwable> expected = h.rules.naturalAlignment() && off % w.bytes() != 0
                            ? dev.iomem.api.IoAccessException.class : OutOfBoundsAccessException.class;
                    beyond4GiB(h, ScalarAccess.name(w, true, false), off, w.bytes(), () -> KitExpectations.expectRefused(h,
                            new Refusal(ScalarAccess.name(w, true, false), off, w.bytes(), expected, () -> ScalarAccess.read(h.accessor, w, true, off))));
                }
            }
        }
    }

    static void copies(ArchBackendConformance kit) {
        long[][] cases = {{G2 - 13, 40}, {G2 + 3, 301}, {G4 - 7, 300}, {G4 - 4096 - 5, 8192 + 11}, {G4 + 5, 37},
                {G4 + G2 / 4 + 1, 129}, {SIZE - 37, 37}, {SIZE - 4096 - 1, 4097}};
        for (BackendUnderTest h : each(kit)) {
            long seed = 3;
            for (long[] c : cases) {
                for (Operation op : Operation.values()) {
                    copyCase(h, h.accessor, 0, op, c[0], (int) c[1], seed++, "");
                }
            }
            beyond4GiB(h, "copyFromIo", SIZE - 8, 16, () -> KitExpectations.expectRefused(h,
                    new Refusal("copyFromIo", SIZE - 8, 16, OutOfBoundsAccessException.class,
                            () -> h.accessor.copyFromIo(SIZE - 8, MemorySegment.ofArray(new byte[16])))));
        }
    }

    static void slices(ArchBackendConformance kit) {
        for (BackendUnderTest h : each(kit)) {
            long base = G4 - 4096;
            IoAccessor s = h.accessor.slice(base, 8192);
            long wide = G2 - 8;
            IoAccessor sw = h.accessor.slice(wide, 3L << 30);
            IoAccessor ss = s.slice(4000, 200);
            for (Width w : KitCases.widths(h.rules)) {
                for (boolean ordered : new boolean[]{true, false}) {
                    for (long rel : new long[]{0, 4096 - w.bytes(), 4096, 8192 - w.bytes()}) {
                        beyond4GiB(h, "slice(" + hex(base) + ", 8192) " + ScalarAccess.name(w, ordered, true), base + rel, w.bytes(),
                                () -> KitExpectations.roundTripAt(h, w, ordered, rel, base + rel, s));
                    }
                    for (long rel : new long[]{8, G2 + 8, (3L << 30) - 8}) {
                        beyond4GiB(h, "slice(" + hex(wide) + ", 3 GiB) " + ScalarAccess.name(w, ordered, true), wide + rel, w.bytes(),
                                () -> KitExpectations.roundTripAt(h, w, ordered, rel, wide + rel, sw));
                    }
                    beyond4GiB(h, "slice(" + hex(base) + ", 8192).slice(4000, 200) " + ScalarAccess.name(w, ordered, true), G4, w.bytes(),
                            () -> KitExpectations.roundTripAt(h, w, ordered, 96, G4, ss));
                }
            }
            long seed = 17;
            for (Operation op : Operation.values()) {
                copyCase(h, s, base, op, 4096 - 5, 10, seed++, " in slice(" + hex(base) + ", 8192)");
                copyCase(h, s, base, op, 1, 8190, seed++, " in slice(" + hex(base) + ", 8192)");
                copyCase(h, sw, wide, op, G2 + 3, 61, seed++, " in slice(" + hex(wide) + ", 3 GiB)");
            }
        }
    }

    /** Runs {@code op} on {@code [rel, rel + len)} of {@code a}, whose offset 0 is device offset {@code base}, and checks bytes and trace. */
    private static void copyCase(BackendUnderTest h, IoAccessor a, long base, Operation op, long rel, int len, long seed, String where) {
        long abs = base + rel;
        String what = op.method + where;
        beyond4GiB(h, what, abs, len, () -> {
            long lo = Math.max(0, abs - 64);
            long hi = Math.min(h.bus.size(), abs + len + 64);
            byte[] around = new byte[(int) (hi - lo)];
            new SplittableRandom(seed).nextBytes(around);
            h.bus.poke(lo, around);
            SortedMap<Long, byte[]> before = h.bus.snapshotPages();
            byte[] expected = around.clone();
            List<TraceEntry> t;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = CopyRuns.source(len, seed * 7 + 1, (seed & 1) == 0, arena);
                h.lastRamAddress = op == Operation.FILL_IO ? 0 : buf.address();
                byte value = (byte) (0x80 | seed);
                switch (op) {
                    case COPY_TO_IO -> MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, expected, (int) (abs - lo), len);
                    case FILL_IO -> Arrays.fill(expected, (int) (abs - lo), (int) (abs - lo) + len, value);
                    case COPY_FROM_IO -> { }
                }
                t = h.run(what, abs, len, () -> {
                    switch (op) {
                        case COPY_TO_IO -> a.copyToIo(buf, rel);
                        case COPY_FROM_IO -> a.copyFromIo(rel, buf);
                        case FILL_IO -> a.fillIo(rel, len, value);
                    }
                });
                if (op == Operation.COPY_FROM_IO) {
                    byte[] got = buf.toArray(ValueLayout.JAVA_BYTE);
                    int at = Arrays.mismatch(got, Arrays.copyOfRange(around, (int) (abs - lo), (int) (abs - lo) + len));
                    if (at >= 0) {
                        throw ConformanceFailure.of(ConformanceRule.CORRECT_BYTES, h.label + " " + what, abs, len,
                                String.format("byte %02x in the buffer for device offset 0x%x", got[at], abs + at),
                                String.format("%02x", around[(int) (abs - lo) + at]), t);
                    }
                }
            }
            CopyTraceChecks.checkInvariants(h.rules, op, h.label + " " + what, abs, len, t);
            if (ReferenceCopyModel.covers(h.rules)) {
                CopyTraceChecks.checkAlgorithm(h.rules, op, h.label + " " + what, abs, len, h.lastRamAddress, t);
            }
            byte[] now = h.bus.peek(lo, around.length);
            int at = Arrays.mismatch(now, expected);
            if (at >= 0) {
                long d = lo + at;
                throw ConformanceFailure.of(d >= abs && d < abs + len ? ConformanceRule.CORRECT_BYTES : ConformanceRule.INSIDE_RANGE,
                        h.label + " " + what, abs, len, String.format("device byte 0x%x = %02x", d, now[at]), String.format("%02x", expected[at]), t);
            }
            outsideUnchanged(h, what, abs, len, lo, hi, before, h.bus.snapshotPages(), t);
        });
    }

    /** No page away from {@code [lo, hi)} changed: a truncated offset writes far from its range. */
    private static void outsideUnchanged(BackendUnderTest h, String what, long abs, long len, long lo, long hi,
                                         SortedMap<Long, byte[]> before, SortedMap<Long, byte[]> after, List<TraceEntry> t) {
        Set<Long> pages = new HashSet<>(before.keySet());
        pages.addAll(after.keySet());
        for (long p : pages) {
            byte[] x = before.get(p);
            byte[] y = after.get(p);
            if (p + 4096 > lo && p < hi) {
                continue;
            }
            int n = x != null ? x.length : y.length;
            if (!Arrays.equals(x != null ? x : new byte[n], y != null ? y : new byte[n])) {
                throw ConformanceFailure.of(ConformanceRule.INSIDE_RANGE, h.label + " " + what, abs, len,
                        "device page " + hex(p) + ", far outside the range, changed", "nothing outside the range changed", t);
            }
        }
    }
}
