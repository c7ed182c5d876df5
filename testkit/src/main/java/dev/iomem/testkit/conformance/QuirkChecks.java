package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import dev.iomem.testkit.reference.ReferenceCopyModel;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.TreeSet;

import static dev.iomem.testkit.conformance.CopyRuns.runAndCheckBytes;
import static dev.iomem.testkit.conformance.KitCases.copyCases;
import static dev.iomem.testkit.conformance.KitExpectations.expectRefused;

/**
 * The check of device quirks, inherited by the {@code DeviceQuirks} class of
 * {@link ArchBackendConformance}: a quirk that forbids 64-bit accesses refuses them before the bus
 * and keeps them out of copies and fills.
 */
abstract class QuirkChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("a quirk that forbids 64-bit accesses refuses them before the bus and keeps them out of copies and fills")
    void no64Bit() {
        ArchBackend b = kit().backend();
        boolean any = false;
        for (MemoryType t : kit().memoryTypes()) {
            AccessRules base = b.rules(t);
            EnumSet<Width> narrowed = EnumSet.copyOf(base.scalarWidths());
            narrowed.remove(Width.LONG);
            if (!base.allows(Width.LONG) || narrowed.isEmpty()) {
                continue;
            }
            any = true;
            Width copyWidth = base.maxCopyWidth() == Width.LONG ? new TreeSet<>(narrowed).last() : base.maxCopyWidth();
            // As DeviceQuirk.forbidWidths builds it (raspberrypi/linux #4158), narrowed to what these rules allow.
            AccessRules rules = base.withQuirk(new DeviceQuirk("no-64-bit", narrowed, copyWidth, false));
            BackendUnderTest h = BackendUnderTest.open(b, rules, kit().windowSize(), "with quirk no-64-bit");
            for (boolean ordered : new boolean[]{true, false}) {
                expectRefused(h, new Refusal(ScalarAccess.name(Width.LONG, ordered, true), 8, 8, WidthNotAllowedException.class,
                        () -> ScalarAccess.write(h.accessor, Width.LONG, ordered, 8, -1L)));
                expectRefused(h, new Refusal(ScalarAccess.name(Width.LONG, ordered, false), 8, 8, WidthNotAllowedException.class,
                        () -> ScalarAccess.read(h.accessor, Width.LONG, ordered, 8)));
            }
            long seed = 5;
            for (long[] c : copyCases(rules, h.accessor.size())) {
                if (c[1] > 600 || seed++ % 3 != 0) {
                    continue;
                }
                for (Operation op : Operation.values()) {
                    List<TraceEntry> trace = runAndCheckBytes(h, h.accessor, op, c[0], c[0], (int) c[1], seed);
                    CopyTraceChecks.checkInvariants(rules, op, h.label + " " + op.method, c[0], c[1], trace);
                    if (ReferenceCopyModel.covers(rules)) {
                        CopyTraceChecks.checkAlgorithm(rules, op, h.label + " " + op.method, c[0], c[1], h.lastRamAddress, trace);
                    }
                }
            }
        }
        Assumptions.assumeTrue(any, "the rules have no 64-bit accesses to forbid");
    }
}
