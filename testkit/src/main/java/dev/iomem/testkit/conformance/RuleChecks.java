package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.AccessTrace;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.iomem.testkit.conformance.KitCases.widths;

/**
 * The checks of the backend's rules, inherited by the {@code Rules} class of
 * {@link ArchBackendConformance}: a name, rules for every memory type that are self-consistent
 * and stable, and accessors that report those rules, their memory type and size, open, with no
 * bus traffic while they are built.
 */
abstract class RuleChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("are self-consistent for every memory type, and every accessor reports them")
    void selfConsistent() {
        ArchBackend b = kit().backend();
        String name = b.name();
        if (name == null || name.isBlank()) {
            throw ConformanceFailure.of(ConformanceRule.RULES_CONSISTENT, b.getClass().getName() + ".name()", 0, 0,
                    String.valueOf(name), "a non-blank name", null);
        }
        for (MemoryType t : kit().memoryTypes()) {
            String what = name + "/" + t + " rules";
            AccessRules r = b.rules(t);
            if (r == null) {
                throw ConformanceFailure.of(ConformanceRule.RULES_CONSISTENT, what, 0, 0, "null", "rules", null);
            }
            check(r.memoryType() == t, what, "memory type " + r.memoryType(), t.toString());
            check(r.equals(b.rules(t)), what, "rules that change between calls", "the same rules every time");
            check(!r.scalarWidths().isEmpty() && r.allows(r.maxCopyWidth()), what,
                    "widths " + r.scalarWidths() + " and copy width " + r.maxCopyWidth(), "the copy width among the allowed widths");
            Width widest = widths(r).getLast();
            check(r.boundary() == 0 || (Long.bitCount(r.boundary()) == 1 && r.boundary() >= widest.bytes()), what,
                    "boundary " + r.boundary(), "0 or a power of two no narrower than the widest access (" + widest.bytes() + " B)");
            r.blockStore().ifPresent(bs -> {
                check(r.boundary() == 0 || bs.maxBytes() <= r.boundary(), what, "block store of " + bs.maxBytes() + " B",
                        "no more than the boundary " + r.boundary());
            });
            check(r.cpuByteOrder() != null, what, "no CPU byte order", "a CPU byte order");
            BackendUnderTest h = BackendUnderTest.open(b, t, kit().windowSize());
            check(r.equals(h.accessor.rules()), name + "/" + t + " accessor.rules()", "" + h.accessor.rules(), "" + r);
            check(h.accessor.memoryType() == t, name + "/" + t + " accessor.memoryType()", "" + h.accessor.memoryType(), t.toString());
            check(h.accessor.size() == kit().windowSize(), name + "/" + t + " accessor.size()", "" + h.accessor.size(), "" + kit().windowSize());
            check(!h.accessor.isClosed(), name + "/" + t + " accessor.isClosed()", "true", "false for a new accessor");
            check(h.device.trace().isEmpty(), name + "/" + t + " accessor(...)", AccessTrace.format(h.device.trace().entries(), 8),
                    "no bus traffic while building an accessor");
        }
    }

    private void check(boolean ok, String what, String seen, String expected) {
        if (!ok) {
            throw ConformanceFailure.of(ConformanceRule.RULES_CONSISTENT, what, 0, 0, seen, expected, null);
        }
    }
}
