package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.SimulatedFault;
import dev.iomem.testkit.sim.TraceEntry;

import java.util.Arrays;
import java.util.List;

/**
 * What the kit's checks expect of single accesses and refusals: a scalar that round-trips as one
 * little-endian transaction, the ordered hooks (or, for a relaxed access, the rules' policy) around
 * it, and a refused access that throws the right exception before any bus traffic; with the
 * {@code 0x} hex format of the failure messages.
 */
final class KitExpectations {

    private KitExpectations() {
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /**
     * Writes, checks the transaction and the device bytes, then reads a fresh value back; {@code rel}
     * is the offset in {@code a}, {@code abs} the device offset.
     */
    static void roundTripAt(BackendUnderTest h, Width w, boolean ordered, long rel, long abs, IoAccessor a) {
        long v = ScalarAccess.pattern(w, abs);
        String wname = ScalarAccess.name(w, ordered, true);
        List<TraceEntry> trace = h.run(wname, abs, w.bytes(), () -> ScalarAccess.write(a, w, ordered, rel, v));
        expectSingle(h, wname, AccessKind.STORE, abs, w, trace);
        byte[] seen = h.bus.peek(abs, w.bytes());
        byte[] want = ScalarAccess.littleEndian(v, w.bytes());
        if (!Arrays.equals(seen, want)) {
            boolean swapped = w.bytes() > 1 && Arrays.equals(seen, ScalarAccess.littleEndian(ScalarAccess.reversed(v, w.bytes()), w.bytes()));
            throw ConformanceFailure.of(swapped ? ConformanceRule.DEVICE_BYTE_ORDER : ConformanceRule.SCALAR_ROUND_TRIP,
                    h.label + " " + wname + "(" + hex(v) + ")", abs, w.bytes(),
                    "device bytes " + ScalarAccess.hex(seen), ScalarAccess.hex(want) + " (the value little-endian)", trace);
        }
        long fresh = ScalarAccess.pattern(w, abs + 0x33);
        h.bus.pokeValue(abs, w, fresh);
        String rname = ScalarAccess.name(w, ordered, false);
        long got = h.runValue(rname, abs, w.bytes(), () -> ScalarAccess.read(a, w, ordered, rel));
        List<TraceEntry> rtrace = h.device.trace().entries();
        expectSingle(h, rname, AccessKind.LOAD, abs, w, rtrace);
        if (got != fresh) {
            boolean swapped = w.bytes() > 1 && got == ScalarAccess.reversed(fresh, w.bytes());
            throw ConformanceFailure.of(swapped ? ConformanceRule.DEVICE_BYTE_ORDER : ConformanceRule.SCALAR_ROUND_TRIP,
                    h.label + " " + rname, abs, w.bytes(), "value " + hex(got) + " from device bytes "
                            + ScalarAccess.hex(ScalarAccess.littleEndian(fresh, w.bytes())),
                    hex(fresh) + " (the device bytes read little-endian)", rtrace);
        }
    }

    static void expectSingle(BackendUnderTest h, String what, AccessKind kind, long abs, Width w, List<TraceEntry> trace) {
        List<TraceEntry> tx = trace.stream().filter(TraceEntry::isTransaction).toList();
        if (tx.size() != 1 || tx.getFirst().kind() != kind || tx.getFirst().offset() != abs || tx.getFirst().size() != w.bytes()) {
            throw ConformanceFailure.of(ConformanceRule.SINGLE_TRANSACTION, h.label + " " + what, abs, w.bytes(),
                    tx.size() + " transaction(s): " + AccessTrace.format(tx, 12),
                    "exactly one " + kind.label() + " of " + w.bytes() + " B at " + hex(abs), trace);
        }
    }

    /**
     * Checks a relaxed scalar's trace against the rules' policy: no hook where relaxed accesses
     * are {@link RelaxedOrdering#UNORDERED}, exactly the ordered hooks where they are
     * {@link RelaxedOrdering#ORDERED}; {@code where} (such as {@code " through a slice"}) goes
     * into the message.
     */
    static void expectRelaxedHooks(BackendUnderTest h, String what, long off, Width w, List<TraceEntry> t, boolean write, String where) {
        if (h.rules.relaxedOrdering() == RelaxedOrdering.ORDERED) {
            try {
                expectHooks(h, what, off, w, t, write, ConformanceRule.RELAXED_NO_BARRIER);
            } catch (ConformanceFailure f) {
                throw ConformanceFailure.of(ConformanceRule.RELAXED_NO_BARRIER, h.label + " " + what, off, w.bytes(),
                        AccessTrace.format(t, 8), "the ordered hooks" + where + ": " + h.rules.name() + " declares relaxed accesses ORDERED", t);
            }
            return;
        }
        for (TraceEntry e : t) {
            if (!e.isTransaction()) {
                throw ConformanceFailure.of(ConformanceRule.RELAXED_NO_BARRIER, h.label + " " + what, off, w.bytes(),
                        "a " + e.kind().label(), "no hook around a relaxed access" + where + " (" + h.rules.name() + " declares them UNORDERED)", t);
            }
        }
    }

    /**
     * Checks that a scalar's trace is exactly the ordered hooks around its one transaction: a
     * write {@code [beforeWrite, store, afterWrite]}, a read {@code [beforeRead, load, afterRead]}.
     */
    static void expectHooks(BackendUnderTest h, String what, long off, Width w, List<TraceEntry> t, boolean write, ConformanceRule rule) {
        List<AccessKind> expected = write
                ? List.of(AccessKind.BARRIER_BEFORE_WRITE, AccessKind.STORE, AccessKind.BARRIER_AFTER_WRITE)
                : List.of(AccessKind.BARRIER_BEFORE_READ, AccessKind.LOAD, AccessKind.BARRIER_AFTER_READ);
        List<AccessKind> seen = t.stream().map(TraceEntry::kind).toList();
        if (!seen.equals(expected)) {
            throw ConformanceFailure.of(rule, h.label + " " + what, off, w.bytes(),
                    seen.stream().map(AccessKind::label).toList().toString(),
                    expected.stream().map(AccessKind::label).toList() + ", each hook exactly once", t);
        }
    }

    /** One access that must be refused. */
    record Refusal(String what, long offset, long length, Class<? extends Throwable> expected, Runnable op) {
    }

    static void expectRefused(BackendUnderTest h, Refusal r) {
        expectRefused(h, r, null);
    }

    /** Checks a refusal; with {@code as} non-null every failure is reported under that rule. */
    static void expectRefused(BackendUnderTest h, Refusal r, ConformanceRule as) {
        h.device.trace().clear();
        h.bus.clearFaults();
        Object before = h.memoryState();
        Throwable thrown = null;
        try {
            r.op.run();
        } catch (Throwable t) {
            thrown = t;
        }
        List<TraceEntry> trace = h.device.trace().entries();
        String what = h.label + " " + r.what;
        if (!h.bus.faults().isEmpty()) {
            // The refusal reached the bus: name the rule the device faulted on, not only the missing refusal.
            SimulatedFault f = h.bus.faults().getFirst();
            throw ConformanceFailure.of(as != null ? as : BackendUnderTest.ruleOf(f), what, r.offset, r.length,
                    "a refused access that reached the bus, which faulted: " + f.getMessage()
                            + (trace.isEmpty() ? "" : " (after " + trace.size() + " trace entries)"),
                    r.expected.getSimpleName() + " from the accessor before the bus is touched", trace, f);
        }
        if (!trace.isEmpty()) {
            long writes = trace.stream().filter(e -> e.kind().isWrite()).count();
            throw ConformanceFailure.of(as != null ? as : ConformanceRule.NO_TRAFFIC_ON_REJECTION, what, r.offset, r.length,
                    trace.size() + " trace entries" + (writes > 0 ? " including " + writes + " write(s) (a partial write)" : "")
                            + " and then " + (thrown == null ? "no exception" : thrown.getClass().getSimpleName()),
                    "an empty trace: " + r.expected.getSimpleName() + " before any transaction or barrier", trace, thrown);
        }
        if (!BackendUnderTest.sameMemory(before, h.memoryState())) {
            throw ConformanceFailure.of(as != null ? as : ConformanceRule.NO_TRAFFIC_ON_REJECTION, what, r.offset, r.length,
                    "device memory changed", "device memory untouched", trace);
        }
        if (thrown == null) {
            throw ConformanceFailure.of(as != null ? as : ConformanceRule.REJECTION_TYPE, what, r.offset, r.length,
                    "the call returned normally", r.expected.getSimpleName(), trace);
        }
        if (thrown instanceof SimulatedFault || !r.expected.isInstance(thrown)) {
            throw ConformanceFailure.of(as != null ? as : ConformanceRule.REJECTION_TYPE, what, r.offset, r.length,
                    thrown.getClass().getName() + ": " + thrown.getMessage(), r.expected.getName(), trace, thrown);
        }
    }
}
