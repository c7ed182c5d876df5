package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.CopyFence;
import dev.iomem.api.Width;
import dev.iomem.testkit.reference.PlannedAccess;
import dev.iomem.testkit.reference.ReferenceCopyModel;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.TraceEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The trace invariants of one copy or fill, each a rule of its own so that a failure names the
 * rule that was broken, checked from the most specific to the most general: kind of access,
 * range, exactly once, order, width, alignment, boundary, block-store limits. The comparison with
 * the kernel's algorithm is separate ({@link #checkAlgorithm}).
 */
final class CopyTraceChecks {

    /** The three operations whose traces these checks understand. */
    enum Operation {
        COPY_TO_IO("copyToIo"), COPY_FROM_IO("copyFromIo"), FILL_IO("fillIo");

        final String method;

        Operation(String method) {
            this.method = method;
        }

        boolean writes() {
            return this != COPY_FROM_IO;
        }

        List<PlannedAccess> plan(AccessRules rules, long offset, long ramAddress, long length) {
            return switch (this) {
                case COPY_TO_IO -> ReferenceCopyModel.copyToIo(rules, offset, ramAddress, length);
                case COPY_FROM_IO -> ReferenceCopyModel.copyFromIo(rules, offset, ramAddress, length);
                case FILL_IO -> ReferenceCopyModel.fillIo(rules, offset, length);
            };
        }
    }

    private CopyTraceChecks() {
    }

    /**
     * Checks every invariant of the trace of {@code op} over the device range
     * {@code [offset, offset + length)}.
     */
    static void checkInvariants(AccessRules rules, Operation op, String what, long offset, long length, List<TraceEntry> fullTrace) {
        long end = offset + length;
        // Kinds: a write copy never loads (a stray read can clear a status register), a read copy
        // never stores, and copies use raw accessors: no ordering hook inside a copy, only the
        // fences the copy algorithm declares (powerpc's sync and eieio).
        for (int i = 0; i < fullTrace.size(); i++) {
            TraceEntry e = fullTrace.get(i);
            if (e.kind().isCopyFence()) {
                continue;
            }
            boolean ok = op.writes() ? e.kind().isWrite() : e.kind() == AccessKind.LOAD;
            if (!ok) {
                throw ConformanceFailure.of(ConformanceRule.ACCESS_KIND, what, offset, length,
                        "entry #" + i + " " + e.describe() + (e.isTransaction() ? " (a stray " + e.kind().label() + ")" : " (an ordering hook inside a copy)"),
                        op.writes() ? "only stores and block stores" : "only loads", fullTrace);
            }
        }
        checkFences(rules, op, what, offset, length, fullTrace);
        List<TraceEntry> trace = fullTrace.stream().filter(TraceEntry::isTransaction).toList();
        for (int i = 0; i < trace.size(); i++) {
            TraceEntry e = trace.get(i);
            if (e.offset() < offset || e.end() > end) {
                throw ConformanceFailure.of(ConformanceRule.INSIDE_RANGE, what, offset, length,
                        "entry #" + i + " " + e.describe() + " reaching [0x" + Long.toHexString(e.offset()) + ", 0x" + Long.toHexString(e.end()) + ")",
                        "every access inside [0x" + Long.toHexString(offset) + ", 0x" + Long.toHexString(end) + ")", trace);
            }
        }
        int[] count = new int[(int) length];
        int[] first = new int[(int) length];
        for (int i = 0; i < trace.size(); i++) {
            TraceEntry e = trace.get(i);
            for (long b = e.offset(); b < e.end(); b++) {
                int at = (int) (b - offset);
                if (count[at]++ == 0) {
                    first[at] = i;
                } else {
                    throw ConformanceFailure.of(ConformanceRule.EXACTLY_ONCE, what, offset, length,
                            "byte 0x" + Long.toHexString(b) + " accessed twice, by #" + first[at] + " " + trace.get(first[at]).describe()
                                    + " and by #" + i + " " + e.describe(),
                            "every byte of [0x" + Long.toHexString(offset) + ", 0x" + Long.toHexString(end) + ") accessed exactly once", trace);
                }
            }
        }
        for (int at = 0; at < length; at++) {
            if (count[at] == 0) {
                throw ConformanceFailure.of(ConformanceRule.EXACTLY_ONCE, what, offset, length,
                        "byte 0x" + Long.toHexString(offset + at) + " never accessed",
                        "every byte of [0x" + Long.toHexString(offset) + ", 0x" + Long.toHexString(end) + ") accessed exactly once", trace);
            }
        }
        for (int i = 1; i < trace.size(); i++) {
            TraceEntry prev = trace.get(i - 1);
            TraceEntry e = trace.get(i);
            if (e.offset() < prev.end()) {
                throw ConformanceFailure.of(ConformanceRule.ASCENDING, what, offset, length,
                        "#" + i + " " + e.describe() + " issued after #" + (i - 1) + " " + prev.describe(),
                        "each access to start at or after the end of the one before", trace);
            }
        }
        for (int i = 0; i < trace.size(); i++) {
            TraceEntry e = trace.get(i);
            if (e.kind() == AccessKind.STORE_BLOCK) {
                if (rules.blockStore().isEmpty()) {
                    throw ConformanceFailure.of(ConformanceRule.ALLOWED_WIDTH, what, offset, length,
                            "#" + i + " " + e.describe(), "no block store: " + rules.name() + " has none", trace);
                }
                continue;
            }
            Width w = Width.ofBytes(e.size());
            if (!rules.allows(w) || w.compareTo(rules.maxCopyWidth()) > 0) {
                throw ConformanceFailure.of(ConformanceRule.ALLOWED_WIDTH, what, offset, length,
                        "#" + i + " " + e.describe() + " (" + e.size() + " B)",
                        "widths of at most maxCopyWidth " + rules.maxCopyWidth().bytes() + " B among "
                                + rules.scalarWidths().stream().sorted().map(x -> x.bytes() + " B").toList(), trace);
            }
            if (rules.naturalAlignment() && e.offset() % e.size() != 0) {
                throw ConformanceFailure.of(ConformanceRule.NATURAL_ALIGNMENT, what, offset, length,
                        "#" + i + " " + e.describe() + " at an offset that is not a multiple of " + e.size(),
                        "naturally aligned accesses (" + rules.name() + " Device memory faults otherwise)", trace);
            }
        }
        long boundary = rules.boundary();
        if (boundary != 0) {
            for (int i = 0; i < trace.size(); i++) {
                TraceEntry e = trace.get(i);
                if (e.offset() / boundary != (e.end() - 1) / boundary) {
                    throw ConformanceFailure.of(ConformanceRule.BOUNDARY, what, offset, length,
                            "#" + i + " " + e.describe() + " crossing 0x" + Long.toHexString((e.offset() / boundary + 1) * boundary),
                            "no access crossing a multiple of " + boundary, trace);
                }
            }
        }
        if (rules.blockStore().isPresent()) {
            BlockStoreLimits limits = rules.blockStore().get();
            for (int i = 0; i < trace.size(); i++) {
                TraceEntry e = trace.get(i);
                if (e.kind() == AccessKind.STORE_BLOCK && !limits.permits(e.offset(), e.size())) {
                    throw ConformanceFailure.of(ConformanceRule.BLOCK_STORE_LIMITS, what, offset, length,
                            "#" + i + " " + e.describe(),
                            "block stores of at most " + limits.maxBytes() + " B, a multiple of " + limits.multipleOf()
                                    + " B, at offsets that are multiples of " + limits.alignment(), trace);
                }
            }
        }
    }

    /**
     * Checks the copy fences: with {@link CopyFence#AROUND}, a copy of at least one byte starts
     * with beforeCopy and ends with afterCopy; with {@link CopyFence#AFTER_EACH_LOAD}, every load
     * of copyFromIo is followed by afterCopyLoad; and no fence the algorithm does not declare.
     */
    static void checkFences(AccessRules rules, Operation op, String what, long offset, long length, List<TraceEntry> trace) {
        CopyAlgorithm a = rules.copyAlgorithm();
        boolean around = a.has(CopyFence.AROUND) && length > 0;
        boolean perLoad = a.has(CopyFence.AFTER_EACH_LOAD) && op == Operation.COPY_FROM_IO;
        List<AccessKind> expected = new ArrayList<>();
        if (around) {
            expected.add(AccessKind.COPY_FENCE_BEFORE);
        }
        for (TraceEntry e : trace) {
            if (e.isTransaction()) {
                expected.add(e.kind());
                if (perLoad) {
                    expected.add(AccessKind.COPY_FENCE_AFTER_LOAD);
                }
            }
        }
        if (around) {
            expected.add(AccessKind.COPY_FENCE_AFTER);
        }
        List<AccessKind> seen = trace.stream().map(TraceEntry::kind).toList();
        if (!seen.equals(expected)) {
            int i = 0;
            while (i < seen.size() && i < expected.size() && seen.get(i) == expected.get(i)) {
                i++;
            }
            throw ConformanceFailure.of(ConformanceRule.COPY_FENCES, what, offset, length,
                    i < seen.size() ? "entry #" + i + " " + trace.get(i).describe() : "no entry #" + i,
                    (i < expected.size() ? expected.get(i).label() : "nothing more") + " at #" + i + " (" + a.name() + " declares fences "
                            + (a.fences().isEmpty() ? "none" : a.fences()) + ")", trace);
        }
    }

    /** Checks that the trace's transactions are exactly the kernel algorithm's sequence of accesses. */
    static void checkAlgorithm(AccessRules rules, Operation op, String what, long offset, long length, long ramAddress, List<TraceEntry> fullTrace) {
        List<TraceEntry> trace = fullTrace.stream().filter(TraceEntry::isTransaction).toList();
        List<PlannedAccess> plan = op.plan(rules, offset, ramAddress, length);
        int n = Math.min(plan.size(), trace.size());
        for (int i = 0; i < n; i++) {
            PlannedAccess p = plan.get(i);
            TraceEntry e = trace.get(i);
            if (p.kind() != e.kind() || p.offset() != e.offset() || p.size() != e.size()) {
                throw ConformanceFailure.of(ConformanceRule.COPY_ALGORITHM, what, offset, length,
                        "access #" + i + " " + e.describe(),
                        "#" + i + " " + p.describe() + " as " + rules.copyAlgorithm().name() + " plans it (whole plan: " + describe(plan) + ")", trace);
            }
        }
        if (plan.size() != trace.size()) {
            throw ConformanceFailure.of(ConformanceRule.COPY_ALGORITHM, what, offset, length,
                    trace.size() + " accesses", plan.size() + " accesses as " + rules.copyAlgorithm().name() + " plans them (" + describe(plan) + ")", trace);
        }
    }

    private static String describe(List<PlannedAccess> plan) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < plan.size() && i < ConformanceFailure.TRACE_LINES; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(plan.get(i).describe());
        }
        if (plan.size() > ConformanceFailure.TRACE_LINES) {
            sb.append(", ... ").append(plan.size() - ConformanceFailure.TRACE_LINES).append(" more");
        }
        return sb.toString();
    }
}
