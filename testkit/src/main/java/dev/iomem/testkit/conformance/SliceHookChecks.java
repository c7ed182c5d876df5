package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.TraceEntry;

import java.util.List;

import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * A slice is the window seen through an offset, not a second accessor with ordering of its own:
 * its ordered accesses have the same hooks, its relaxed ones follow the same declared policy, and
 * its flushWrites is the same one flush, however deep the slice.
 */
final class SliceHookChecks {

    private SliceHookChecks() {
    }

    /** A slice and the device offset of its first byte. */
    private record View(String name, IoAccessor accessor, long base) {
    }

    private static List<View> views(BackendUnderTest h) {
        long base = KitCases.pageOf(h.rules) + 64;
        IoAccessor s = h.accessor.slice(base, 256);
        IoAccessor ss = s.slice(32, 128);
        String name = "slice(" + hex(base) + ", 256)";
        return List.of(new View(name, s, base), new View(name + ".slice(0x20, 128)", ss, base + 32));
    }

    static void scalars(ArchBackendConformance kit) {
        for (BackendUnderTest h : kit.each()) {
            for (View v : views(h)) {
                for (Width w : KitCases.widths(h.rules)) {
                    long rel = 16;
                    long abs = v.base + rel;
                    // Ordered writes, by method and by width.
                    String what = v.name + " " + ScalarAccess.name(w, true, true);
                    List<TraceEntry> t = h.run(what, abs, w.bytes(), () -> ScalarAccess.write(v.accessor, w, true, rel, ScalarAccess.pattern(w, 7)));
                    KitExpectations.expectHooks(h, what, abs, w, t, true, ConformanceRule.BARRIER_BEFORE_ORDERED_WRITE);
                    KitExpectations.expectSingle(h, what, AccessKind.STORE, abs, w, t);
                    String generic = v.name + " " + ScalarAccess.genericName(w, true);
                    t = h.run(generic, abs, w.bytes(), () -> ScalarAccess.writeGeneric(v.accessor, w, rel, ScalarAccess.pattern(w, 8)));
                    KitExpectations.expectHooks(h, generic, abs, w, t, true, ConformanceRule.BARRIER_BEFORE_ORDERED_WRITE);
                    // Ordered reads, with the value read handed to afterRead.
                    for (long value : new long[]{ScalarAccess.pattern(w, 9), w.mask()}) {
                        h.bus.pokeValue(abs, w, value);
                        String r = v.name + " " + ScalarAccess.name(w, true, false);
                        h.runValue(r, abs, w.bytes(), () -> ScalarAccess.read(v.accessor, w, true, rel));
                        readHooks(h, r, abs, w, value);
                        String rg = v.name + " " + ScalarAccess.genericName(w, false);
                        h.runValue(rg, abs, w.bytes(), () -> ScalarAccess.readGeneric(v.accessor, w, rel));
                        readHooks(h, rg, abs, w, value);
                    }
                    // Relaxed accesses, by the declared policy.
                    for (boolean write : new boolean[]{true, false}) {
                        String rw = v.name + " " + ScalarAccess.name(w, false, write);
                        List<TraceEntry> rt;
                        if (write) {
                            rt = h.run(rw, abs, w.bytes(), () -> ScalarAccess.write(v.accessor, w, false, rel, 0x5A));
                        } else {
                            h.runValue(rw, abs, w.bytes(), () -> ScalarAccess.read(v.accessor, w, false, rel));
                            rt = h.device.trace().entries();
                        }
                        KitExpectations.expectRelaxedHooks(h, rw, abs, w, rt, write, " through a slice");
                    }
                }
            }
        }
    }

    private static void readHooks(BackendUnderTest h, String what, long abs, Width w, long value) {
        List<TraceEntry> t = h.device.trace().entries();
        KitExpectations.expectHooks(h, what, abs, w, t, false, ConformanceRule.BARRIER_AFTER_ORDERED_READ);
        KitExpectations.expectSingle(h, what, AccessKind.LOAD, abs, w, t);
        if (t.getLast().value() != value) {
            throw ConformanceFailure.of(ConformanceRule.BARRIER_AFTER_READ_VALUE, h.label + " " + what, abs, w.bytes(),
                    "afterRead(" + hex(t.getLast().value()) + ")", "afterRead(" + hex(value) + "), the value read", t);
        }
    }

    static void flush(ArchBackendConformance kit) {
        for (BackendUnderTest h : kit.each()) {
            for (View v : views(h)) {
                List<TraceEntry> t = h.run(v.name + " flushWrites", v.base, 0, v.accessor::flushWrites);
                if (t.size() != 1 || t.getFirst().kind() != AccessKind.FLUSH) {
                    throw ConformanceFailure.of(ConformanceRule.FLUSH, h.label + " " + v.name + ".flushWrites()", v.base, 0,
                            AccessTrace.format(t, 8), "exactly one flush, as flushWrites() of the window", t);
                }
            }
        }
    }
}
