package dev.iomem.testkit.conformance;

import dev.iomem.api.Width;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.sim.RegisterBehavior;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.iomem.testkit.conformance.CopyRuns.runOnly;
import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * The checks of registers with side effects, inherited by the {@code SideEffects} class of
 * {@link ArchBackendConformance}: a FIFO gives one value per read, a read-to-clear register is
 * read once per read, a write-1-to-clear register clears only the bits written, and copies and
 * fills next to read-to-clear registers leave them untouched.
 */
abstract class SideEffectChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("a FIFO register gives one value per read, in order, for every width, ordered and relaxed")
    void fifo() {
        for (BackendUnderTest h : kit().each()) {
            long off = 1024;
            for (Width w : widths(h.rules)) {
                long reg = off;
                off += 16;
                h.bus.register(reg, w, RegisterBehavior.FIFO);
                long[] values = new long[6];
                for (int i = 0; i < values.length; i++) {
                    values[i] = ScalarAccess.pattern(w, i + 1);
                }
                h.bus.pushFifo(reg, values);
                for (int i = 0; i < values.length; i++) {
                    boolean ordered = (i & 1) == 0;
                    String what = ScalarAccess.name(w, ordered, false) + " of a FIFO";
                    long got = h.runValue(what, reg, w.bytes(), () -> ScalarAccess.read(h.accessor, w, ordered, reg));
                    if (got != values[i]) {
                        throw ConformanceFailure.of(ConformanceRule.SIDE_EFFECTS, h.label + " " + what, reg, w.bytes(),
                                "value " + hex(got) + " at read " + (i + 1), hex(values[i]) + " (one pop per read)", h.device.trace().entries());
                    }
                }
                if (h.bus.fifoDepth(reg) != 0) {
                    throw ConformanceFailure.of(ConformanceRule.SIDE_EFFECTS, h.label + " FIFO reads", reg, w.bytes(),
                            h.bus.fifoDepth(reg) + " values left", "none left", null);
                }
            }
        }
    }

    @Test
    @DisplayName("a read-to-clear register is read once per read; a write-1-to-clear register clears only the bits written")
    void readToClearAndWriteOneToClear() {
        for (BackendUnderTest h : kit().each()) {
            Width w = h.rules.allows(Width.INT) ? Width.INT : widths(h.rules).getLast();
            long rtc = 2048;
            long w1c = 2048 + 64;
            h.bus.register(rtc, w, RegisterBehavior.READ_TO_CLEAR).register(w1c, w, RegisterBehavior.WRITE_1_TO_CLEAR);
            long status = ScalarAccess.pattern(w, 9);
            h.bus.pokeValue(rtc, w, status);
            long got = h.runValue(ScalarAccess.name(w, true, false), rtc, w.bytes(), () -> ScalarAccess.read(h.accessor, w, true, rtc));
            if (got != status) {
                throw ConformanceFailure.of(ConformanceRule.SIDE_EFFECTS, h.label + " " + ScalarAccess.name(w, true, false) + " of a read-to-clear register",
                        rtc, w.bytes(), hex(got), hex(status) + " (a second read would see 0)", h.device.trace().entries());
            }
            long all = w.mask();
            h.bus.pokeValue(w1c, w, all);
            long clear = 0x0F0F_0F0F_0F0F_0F0FL & w.mask();
            h.run(ScalarAccess.name(w, true, true) + " of a write-1-to-clear register", w1c, w.bytes(),
                    () -> ScalarAccess.write(h.accessor, w, true, w1c, clear));
            long left = h.bus.peekValue(w1c, w);
            if (left != (all & ~clear)) {
                throw ConformanceFailure.of(ConformanceRule.SIDE_EFFECTS, h.label + " " + ScalarAccess.name(w, true, true) + "(" + hex(clear) + ") of a write-1-to-clear register",
                        w1c, w.bytes(), "register " + hex(left), hex(all & ~clear) + " (only the written bits cleared)", h.device.trace().entries());
            }
        }
    }

    @Test
    @DisplayName("copies and fills next to read-to-clear registers leave them untouched")
    void neighbours() {
        for (BackendUnderTest h : kit().each()) {
            Width w = widths(h.rules).getLast();
            long status = ScalarAccess.pattern(w, 3) | 1;
            for (long[] c : new long[][]{{3008, 37}, {3008, 64}, {3008, 1}, {3009, 6}}) {
                for (Operation op : Operation.values()) {
                    BackendUnderTest fresh = BackendUnderTest.open(h.backend, h.rules.memoryType(), kit().windowSize());
                    long left = (c[0] - 1) / w.bytes() * w.bytes();
                    long right = (c[0] + c[1] + w.bytes() - 1) / w.bytes() * w.bytes();
                    if (left + w.bytes() > c[0]) {
                        left -= w.bytes();
                    }
                    for (long reg : new long[]{left, right}) {
                        fresh.bus.register(reg, w, RegisterBehavior.READ_TO_CLEAR);
                        fresh.bus.pokeValue(reg, w, status);
                    }
                    List<TraceEntry> trace = runOnly(fresh, fresh.accessor, op, c[0], (int) c[1], 3);
                    for (long reg : new long[]{left, right}) {
                        long v = fresh.bus.peekValue(reg, w);
                        if (v != status) {
                            throw ConformanceFailure.of(ConformanceRule.INSIDE_RANGE, h.label + " " + op.method + " next to a read-to-clear register",
                                    c[0], c[1], "the register at 0x" + Long.toHexString(reg) + " changed from " + hex(status) + " to " + hex(v)
                                            + " (a stray access outside the range)", "it untouched", trace);
                        }
                    }
                }
            }
        }
    }
}
