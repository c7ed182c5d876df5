package dev.iomem.testkit.conformance;

import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.iomem.testkit.conformance.KitCases.scalarOffsets;
import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.expectSingle;
import static dev.iomem.testkit.conformance.KitExpectations.hex;
import static dev.iomem.testkit.conformance.KitExpectations.roundTripAt;

/**
 * The checks of scalar accesses, inherited by the {@code ScalarAccesses} class of
 * {@link ArchBackendConformance}: every allowed width round-trips at every allowed offset, ordered
 * and relaxed, as one little-endian transaction; {@code read(offset, width)} and
 * {@code write(offset, width, value)} too; and sign-carrying values pass unchanged.
 */
abstract class ScalarAccessChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("round-trip every allowed width at every allowed offset, each as one little-endian transaction")
    void roundTrip() {
        for (BackendUnderTest h : kit().each()) {
            h.scramble(1);
            long size = h.accessor.size();
            for (Width w : widths(h.rules)) {
                for (long off : scalarOffsets(h.rules, w, size)) {
                    for (boolean ordered : new boolean[]{true, false}) {
                        roundTripAt(h, w, ordered, off, off, h.accessor);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("read(offset, width) and write(offset, width, value) are one zero-extended little-endian transaction too")
    void byWidth() {
        for (BackendUnderTest h : kit().each()) {
            for (Width w : widths(h.rules)) {
                long off = 8L * 11;
                long v = ScalarAccess.pattern(w, 21);
                String wname = ScalarAccess.genericName(w, true);
                List<TraceEntry> t = h.run(wname, off, w.bytes(), () -> ScalarAccess.writeGeneric(h.accessor, w, off, v));
                expectSingle(h, wname, AccessKind.STORE, off, w, t);
                if (h.bus.peekValue(off, w) != v) {
                    throw ConformanceFailure.of(ConformanceRule.SCALAR_ROUND_TRIP, h.label + " " + wname, off, w.bytes(),
                            "device bytes " + ScalarAccess.hex(h.bus.peek(off, w.bytes())), ScalarAccess.hex(ScalarAccess.littleEndian(v, w.bytes())), t);
                }
                long fresh = w.mask();
                h.bus.pokeValue(off, w, fresh);
                String rname = ScalarAccess.genericName(w, false);
                long got = h.runValue(rname, off, w.bytes(), () -> h.accessor.read(off, w));
                expectSingle(h, rname, AccessKind.LOAD, off, w, h.device.trace().entries());
                if (got != fresh) {
                    throw ConformanceFailure.of(ConformanceRule.SCALAR_ROUND_TRIP, h.label + " " + rname, off, w.bytes(),
                            hex(got), hex(fresh) + " (zero-extended)", h.device.trace().entries());
                }
            }
        }
    }

    @Test
    @DisplayName("reads and writes sign-carrying values (all ones, the top bit alone) unchanged")
    void extremes() {
        for (BackendUnderTest h : kit().each()) {
            for (Width w : widths(h.rules)) {
                long off = 8L * 9;
                for (long v : new long[]{w.mask(), 1L << (w.bits() - 1), 0, 1}) {
                    String what = h.label + " " + ScalarAccess.name(w, true, true) + "(" + hex(v) + ")";
                    h.run(what, off, w.bytes(), () -> ScalarAccess.write(h.accessor, w, true, off, v));
                    long seen = h.bus.peekValue(off, w);
                    if (seen != v) {
                        throw ConformanceFailure.of(ConformanceRule.SCALAR_ROUND_TRIP, what, off, w.bytes(),
                                "device value " + hex(seen), hex(v), h.device.trace().entries());
                    }
                    long back = h.runValue(ScalarAccess.name(w, true, false), off, w.bytes(), () -> ScalarAccess.read(h.accessor, w, true, off));
                    if (back != v) {
                        throw ConformanceFailure.of(ConformanceRule.SCALAR_ROUND_TRIP, h.label + " " + ScalarAccess.name(w, true, false), off, w.bytes(),
                                hex(back), hex(v), h.device.trace().entries());
                    }
                }
            }
        }
    }
}
