package dev.iomem.testkit.conformance;

import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.expectHooks;
import static dev.iomem.testkit.conformance.KitExpectations.expectRelaxedHooks;
import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * The checks of the ordering hooks, inherited by the {@code OrderingBarriers} class of
 * {@link ArchBackendConformance}: the hooks around ordered writes and reads (and the value
 * {@code afterRead} gets), the hooks, or none, around relaxed accesses as the rules declare, and
 * {@code flushWrites} as exactly one flush.
 */
abstract class OrderingBarrierChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("an ordered write is beforeWrite, the store, afterWrite, and nothing else (asm-generic __io_bw, __io_aw)")
    void orderedWrite() {
        for (BackendUnderTest h : kit().each()) {
            for (Width w : widths(h.rules)) {
                long off = 64;
                String what = ScalarAccess.name(w, true, true);
                List<TraceEntry> t = h.run(what, off, w.bytes(), () -> ScalarAccess.write(h.accessor, w, true, off, 0x5A));
                expectHooks(h, what, off, w, t, true, ConformanceRule.BARRIER_BEFORE_ORDERED_WRITE);
                String generic = ScalarAccess.genericName(w, true);
                t = h.run(generic, off, w.bytes(), () -> ScalarAccess.writeGeneric(h.accessor, w, off, 0x5A));
                expectHooks(h, generic, off, w, t, true, ConformanceRule.BARRIER_BEFORE_ORDERED_WRITE);
            }
        }
    }

    @Test
    @DisplayName("an ordered read is beforeRead, the load, afterRead with the value read, and nothing else (asm-generic __io_br, __io_ar(v))")
    void orderedRead() {
        for (BackendUnderTest h : kit().each()) {
            for (Width w : widths(h.rules)) {
                long off = 64;
                for (long value : new long[]{ScalarAccess.pattern(w, 3), w.mask()}) {
                    h.bus.pokeValue(off, w, value);
                    String what = ScalarAccess.name(w, true, false);
                    h.runValue(what, off, w.bytes(), () -> ScalarAccess.read(h.accessor, w, true, off));
                    expectHooks(h, what, off, w, h.device.trace().entries(), false, ConformanceRule.BARRIER_AFTER_ORDERED_READ);
                    expectValue(h, what, off, w, value, h.device.trace().entries());
                    String generic = ScalarAccess.genericName(w, false);
                    h.runValue(generic, off, w.bytes(), () -> ScalarAccess.readGeneric(h.accessor, w, off));
                    expectHooks(h, generic, off, w, h.device.trace().entries(), false, ConformanceRule.BARRIER_AFTER_ORDERED_READ);
                    expectValue(h, generic, off, w, value, h.device.trace().entries());
                }
            }
        }
    }

    @Test
    @DisplayName("a relaxed read or write calls no hook where the rules say UNORDERED, and the ordered hooks where they say ORDERED")
    void relaxed() {
        for (BackendUnderTest h : kit().each()) {
            for (Width w : widths(h.rules)) {
                long off = 64;
                for (boolean write : new boolean[]{true, false}) {
                    String what = ScalarAccess.name(w, false, write);
                    List<TraceEntry> t = write
                            ? h.run(what, off, w.bytes(), () -> ScalarAccess.write(h.accessor, w, false, off, 0x5A))
                            : readTrace(h, what, off, w);
                    expectRelaxedHooks(h, what, off, w, t, write, "");
                }
            }
        }
    }

    @Test
    @DisplayName("flushWrites calls the flush barrier once and issues no transaction")
    void flush() {
        for (BackendUnderTest h : kit().each()) {
            List<TraceEntry> t = h.run("flushWrites", 0, 0, h.accessor::flushWrites);
            if (t.size() != 1 || t.getFirst().kind() != AccessKind.FLUSH) {
                throw ConformanceFailure.of(ConformanceRule.FLUSH, h.label + " flushWrites()", 0, 0,
                        AccessTrace.format(t, 8), "exactly one flush", t);
            }
        }
    }

    private List<TraceEntry> readTrace(BackendUnderTest h, String what, long off, Width w) {
        h.runValue(what, off, w.bytes(), () -> ScalarAccess.read(h.accessor, w, false, off));
        return h.device.trace().entries();
    }

    private void expectValue(BackendUnderTest h, String what, long off, Width w, long value, List<TraceEntry> t) {
        TraceEntry last = t.getLast();
        if (last.value() != value) {
            throw ConformanceFailure.of(ConformanceRule.BARRIER_AFTER_READ_VALUE, h.label + " " + what, off, w.bytes(),
                    "afterRead(" + hex(last.value()) + ")", "afterRead(" + hex(value) + "), the value read", t);
        }
    }
}
