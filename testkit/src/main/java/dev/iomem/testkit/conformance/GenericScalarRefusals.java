package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessException;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import org.junit.jupiter.api.Assumptions;

import java.util.EnumSet;
import java.util.TreeSet;

import static dev.iomem.testkit.conformance.KitCases.outOfBoundsOffsets;
import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.expectRefused;

/**
 * {@code read(offset, width)} and {@code write(offset, width, value)} are scalars like the
 * others: every check the sixteen width-named methods make, they make too, before the bus.
 */
final class GenericScalarRefusals {

    private GenericScalarRefusals() {
    }

    /** Refuses both generic methods of width {@code w} at {@code off}, expecting {@code expected}. */
    private static void both(BackendUnderTest h, Width w, long off, Class<? extends Throwable> expected, ConformanceRule as) {
        expectRefused(h, new Refusal(ScalarAccess.genericName(w, true), off, w.bytes(), expected,
                () -> ScalarAccess.writeGeneric(h.accessor, w, off, -1L)), as);
        expectRefused(h, new Refusal(ScalarAccess.genericName(w, false), off, w.bytes(), expected,
                () -> ScalarAccess.readGeneric(h.accessor, w, off)), as);
    }

    static void outOfBounds(ArchBackendConformance kit) {
        for (BackendUnderTest h : kit.each()) {
            long size = h.accessor.size();
            for (Width w : widths(h.rules)) {
                for (long off : outOfBoundsOffsets(size, w)) {
                    Class<? extends Throwable> expected = h.rules.naturalAlignment() && off % w.bytes() != 0
                            ? IoAccessException.class : OutOfBoundsAccessException.class;
                    both(h, w, off, expected, null);
                }
            }
        }
    }

    static void misaligned(ArchBackendConformance kit) {
        boolean any = false;
        for (BackendUnderTest h : kit.each()) {
            if (!h.rules.naturalAlignment()) {
                continue;
            }
            any = true;
            for (Width w : widths(h.rules)) {
                for (long k = 1; k < w.bytes(); k++) {
                    both(h, w, 256 + k, MisalignedAccessException.class, null);
                }
            }
        }
        Assumptions.assumeTrue(any, "the rules do not demand natural alignment");
    }

    static void widthNotAllowed(ArchBackendConformance kit) {
        boolean any = false;
        for (MemoryType t : kit.memoryTypes()) {
            AccessRules base = kit.backend().rules(t);
            // Every width but the narrowest, which copies' heads and tails need, as DeviceQuirk.forbidWidths would.
            for (Width forbidden : widths(base).subList(1, widths(base).size())) {
                EnumSet<Width> narrowed = EnumSet.copyOf(base.scalarWidths());
                narrowed.remove(forbidden);
                if (narrowed.isEmpty()) {
                    continue;
                }
                any = true;
                TreeSet<Width> left = new TreeSet<>(narrowed);
                Width copyWidth = narrowed.contains(base.maxCopyWidth()) ? base.maxCopyWidth()
                        : left.floor(base.maxCopyWidth()) != null ? left.floor(base.maxCopyWidth()) : left.first();
                String name = "no-" + forbidden.bits() + "-bit";
                AccessRules rules = base.withQuirk(new DeviceQuirk(name, narrowed, copyWidth, false));
                BackendUnderTest h = BackendUnderTest.open(kit.backend(), rules, kit.windowSize(), "with quirk " + name);
                for (long off : new long[]{0, 8L * forbidden.bytes()}) {
                    both(h, forbidden, off, WidthNotAllowedException.class, null);
                }
            }
        }
        Assumptions.assumeTrue(any, "the rules allow one width only, which no quirk can forbid");
    }

    static void boundary(ArchBackendConformance kit) {
        boolean any = false;
        for (BackendUnderTest h : kit.each()) {
            for (Width w : widths(h.rules)) {
                for (long off : KitCases.boundaryCrossings(h.rules, w)) {
                    any = true;
                    both(h, w, off, BoundaryCrossingException.class, null);
                }
            }
        }
        Assumptions.assumeTrue(any, "the rules have no boundary a scalar could cross");
    }

    static void closed(ArchBackendConformance kit) {
        for (BackendUnderTest h : kit.each()) {
            h.accessor.close();
            for (Width w : widths(h.rules)) {
                both(h, w, 0, AccessorClosedException.class, ConformanceRule.CLOSE);
                both(h, w, 8L * w.bytes(), AccessorClosedException.class, ConformanceRule.CLOSE);
            }
            var s = BackendUnderTest.open(kit.backend(), h.rules.memoryType(), kit.windowSize());
            var slice = s.accessor.slice(64, 64);
            slice.close();
            for (Width w : widths(h.rules)) {
                expectRefused(s, new Refusal("closed slice " + ScalarAccess.genericName(w, true), 64, w.bytes(), AccessorClosedException.class,
                        () -> ScalarAccess.writeGeneric(slice, w, 0, 1)), ConformanceRule.CLOSE);
                expectRefused(s, new Refusal("closed slice " + ScalarAccess.genericName(w, false), 64, w.bytes(), AccessorClosedException.class,
                        () -> ScalarAccess.readGeneric(slice, w, 0)), ConformanceRule.CLOSE);
            }
        }
    }
}
