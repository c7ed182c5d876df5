package dev.iomem.testkit.conformance;

import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;

import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * A read is one load whatever it reads. A backend that looks at the value and reads again (an
 * error check that re-reads on all ones, as a PCI master abort reads) turns one read of a FIFO or
 * a read-to-clear register into two: it fails {@code single-transaction}.
 */
final class SingleReadChecks {

    private SingleReadChecks() {
    }

    /** How a read is made. */
    private enum Method {
        ORDERED, RELAXED, BY_WIDTH;

        String name(Width w) {
            return this == BY_WIDTH ? ScalarAccess.genericName(w, false) : ScalarAccess.name(w, this == ORDERED, false);
        }
    }

    static void check(ArchBackendConformance kit) {
        for (BackendUnderTest h : kit.each()) {
            for (Width w : KitCases.widths(h.rules)) {
                long[] values = {w.mask(), 0, 1L << (w.bits() - 1), ScalarAccess.pattern(w, 0x2A), w.mask() - 1};
                String[] names = {"all ones", "zero", "the top bit", "a pattern", "all ones but bit 0"};
                for (int i = 0; i < values.length; i++) {
                    long value = values[i];
                    for (Method m : Method.values()) {
                        long off = 8L * (16 + i);
                        h.bus.pokeValue(off, w, value);
                        String what = m.name(w) + " of " + names[i] + " (" + hex(value) + ")";
                        long got = h.runValue(what, off, w.bytes(), () -> switch (m) {
                            case ORDERED -> ScalarAccess.read(h.accessor, w, true, off);
                            case RELAXED -> ScalarAccess.read(h.accessor, w, false, off);
                            case BY_WIDTH -> ScalarAccess.readGeneric(h.accessor, w, off);
                        });
                        KitExpectations.expectSingle(h, what, AccessKind.LOAD, off, w, h.device.trace().entries());
                        if (got != value) {
                            throw ConformanceFailure.of(ConformanceRule.SCALAR_ROUND_TRIP, h.label + " " + what, off, w.bytes(),
                                    hex(got), hex(value) + ", the device value", h.device.trace().entries());
                        }
                    }
                }
            }
        }
    }
}
