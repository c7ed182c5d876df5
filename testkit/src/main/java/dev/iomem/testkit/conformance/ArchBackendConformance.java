package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.ReadOnlyWindowException;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.reference.ReferenceCopyModel;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.RegisterBehavior;
import dev.iomem.testkit.sim.SimulatedFault;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The conformance kit for an {@link ArchBackend}. A backend author writes one subclass that
 * supplies the backend and runs it with plain JUnit 5:
 *
 * <pre>{@code
 * class Riscv64Conformance extends ArchBackendConformance {
 *     @Override protected ArchBackend backend() { return new Riscv64Backend(); }
 * }
 * }</pre>
 *
 * <p>Every check drives the backend's accessor, built with
 * {@link ArchBackend#accessor(dev.iomem.spi.IoBus, MemoryType, dev.iomem.spi.Barriers)}, over a
 * {@link dev.iomem.testkit.sim.SimulatedBus} that enforces the backend's own rules as the
 * strictest hardware would, and reads the trace of every transaction and barrier. So it runs on
 * any machine, whatever architecture the backend is for. A failure is a {@link ConformanceFailure}
 * whose message names the {@link ConformanceRule}, the operation, the offset and length, what was
 * seen and what was expected, and the trace.
 *
 * <p>Where the backend is available on the machine running the kit ({@link ArchBackend#probe()}
 * and {@code os.arch}), the kit also runs its native bus and barriers over native memory and
 * compares results (rule {@code native-path}). What it cannot see there is the ordering the
 * native barriers give and how real device memory answers, which only real hardware can prove.
 */
@DisplayName("ArchBackend conformance")
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
@TestMethodOrder(MethodOrderer.MethodName.class)
public abstract class ArchBackendConformance {

    /** The page size of the copy cases that cross pages when the rules have no boundary. */
    private static final long PAGE = 4096;

    /** For subclasses. */
    protected ArchBackendConformance() {
    }

    /**
     * {@return the backend under test} Called once per check; may return the same instance.
     */
    protected abstract ArchBackend backend();

    /** {@return the memory types to check; all by default} */
    protected Set<MemoryType> memoryTypes() {
        return EnumSet.allOf(MemoryType.class);
    }

    /** {@return the size of the simulated window; four pages by default} */
    protected long windowSize() {
        return 4 * PAGE;
    }

    List<BackendUnderTest> each() {
        ArchBackend b = backend();
        List<BackendUnderTest> out = new ArrayList<>();
        for (MemoryType t : memoryTypes()) {
            out.add(BackendUnderTest.open(b, t, windowSize()));
        }
        return out;
    }

    static long pageOf(AccessRules rules) {
        return rules.boundary() != 0 ? rules.boundary() : PAGE;
    }

    static List<Width> widths(AccessRules rules) {
        return new TreeSet<>(rules.scalarWidths()).stream().toList();
    }

    /** Offsets a scalar of width {@code w} may use in a window of {@code size} bytes under {@code rules}. */
    static List<Long> scalarOffsets(AccessRules rules, Width w, long size) {
        TreeSet<Long> set = new TreeSet<>();
        for (long o = 0; o < 32; o++) {
            set.add(o);
        }
        for (long o = size - 24; o < size; o++) {
            set.add(o);
        }
        long page = pageOf(rules);
        for (long o = page - 12; o < page + 12; o++) {
            set.add(o);
        }
        List<Long> out = new ArrayList<>();
        for (long o : set) {
            if (o < 0 || o + w.bytes() > size) {
                continue;
            }
            if (rules.naturalAlignment() && o % w.bytes() != 0) {
                continue;
            }
            long b = rules.boundary();
            if (b != 0 && o / b != (o + w.bytes() - 1) / b) {
                continue;
            }
            out.add(o);
        }
        return out;
    }

    /** The (offset, length) cases every copy and fill check runs, inside a window of {@code size} bytes. */
    static List<long[]> copyCases(AccessRules rules, long size) {
        List<long[]> cases = new ArrayList<>();
        for (long off = 0; off <= 16; off++) {
            for (long len = 0; len <= 40; len++) {
                cases.add(new long[]{off, len});
            }
        }
        long page = pageOf(rules);
        long[] before = {1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 24, 64, 100, 120, 127, 128, 129, 136};
        long[] lengths = {1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 64, 127, 128, 129, 136, 200, 300, page + 5};
        for (long k : before) {
            for (long len : lengths) {
                cases.add(new long[]{page - k, len});
            }
        }
        cases.add(new long[]{0, size});
        cases.add(new long[]{1, size - 1});
        cases.add(new long[]{3, 2 * page + 77});
        cases.add(new long[]{8, page + 24});
        cases.add(new long[]{size - 37, 37});
        cases.removeIf(c -> c[0] < 0 || c[1] < 0 || c[0] + c[1] > size);
        return cases;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Nested
    @Order(1)
    @DisplayName("Rules")
    class Rules {

        @Test
        @DisplayName("are self-consistent for every memory type, and every accessor reports them")
        void selfConsistent() {
            ArchBackend b = backend();
            String name = b.name();
            if (name == null || name.isBlank()) {
                throw ConformanceFailure.of(ConformanceRule.RULES_CONSISTENT, b.getClass().getName() + ".name()", 0, 0,
                        String.valueOf(name), "a non-blank name", null);
            }
            for (MemoryType t : memoryTypes()) {
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
                BackendUnderTest h = BackendUnderTest.open(b, t, windowSize());
                check(r.equals(h.accessor.rules()), name + "/" + t + " accessor.rules()", "" + h.accessor.rules(), "" + r);
                check(h.accessor.memoryType() == t, name + "/" + t + " accessor.memoryType()", "" + h.accessor.memoryType(), t.toString());
                check(h.accessor.size() == windowSize(), name + "/" + t + " accessor.size()", "" + h.accessor.size(), "" + windowSize());
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

    @Nested
    @Order(2)
    @DisplayName("Scalar accesses")
    class ScalarAccesses {

        @Test
        @DisplayName("round-trip every allowed width at every allowed offset, each as one little-endian transaction")
        void roundTrip() {
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
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

    @Nested
    @Order(3)
    @DisplayName("Ordering hooks")
    class OrderingBarriers {

        @Test
        @DisplayName("an ordered write is beforeWrite, the store, afterWrite, and nothing else (asm-generic __io_bw, __io_aw)")
        void orderedWrite() {
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
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
     * {@return the offsets at which a scalar of width {@code w} would cross the rules' boundary
     * and that natural alignment, where the rules demand it, does not already refuse} Empty
     * without a boundary.
     */
    static List<Long> boundaryCrossings(AccessRules rules, Width w) {
        List<Long> out = new ArrayList<>();
        long b = rules.boundary();
        if (b == 0) {
            return out;
        }
        for (long k = 1; k < w.bytes(); k++) {
            long off = b - k;
            if (!rules.naturalAlignment() || off % w.bytes() == 0) {
                out.add(off);
            }
        }
        return out;
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

    @Nested
    @Order(4)
    @DisplayName("Byte order")
    class DeviceByteOrder {

        @Test
        @DisplayName("device values are little-endian whether the rules say the CPU is little- or big-endian")
        void littleEndianWhateverTheCpu() {
            ArchBackend b = backend();
            for (MemoryType t : memoryTypes()) {
                for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    AccessRules rules = b.rules(t).toBuilder().cpuByteOrder(order).build();
                    BackendUnderTest h;
                    try {
                        h = BackendUnderTest.open(b, rules, windowSize(), "with a " + order + " CPU");
                    } catch (ConformanceFailure f) {
                        // A backend may refuse rules that are not its own; its own order is checked everywhere else.
                        if (order != b.rules(t).cpuByteOrder() && f.getCause() instanceof IllegalArgumentException) {
                            continue;
                        }
                        throw f;
                    }
                    byte[] bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0x88};
                    for (Width w : widths(rules)) {
                        long off = 128;
                        h.bus.poke(off, bytes);
                        long want = 0;
                        for (int i = w.bytes() - 1; i >= 0; i--) {
                            want = (want << 8) | (bytes[i] & 0xFF);
                        }
                        long got = h.runValue(ScalarAccess.name(w, true, false), off, w.bytes(), () -> ScalarAccess.read(h.accessor, w, true, off));
                        if (got != want) {
                            throw ConformanceFailure.of(ConformanceRule.DEVICE_BYTE_ORDER, h.label + " " + ScalarAccess.name(w, true, false),
                                    off, w.bytes(), hex(got) + " from device bytes " + ScalarAccess.hex(Arrays.copyOf(bytes, w.bytes())),
                                    hex(want), h.device.trace().entries());
                        }
                        long v = ScalarAccess.pattern(w, 5);
                        h.run(ScalarAccess.name(w, true, true), off, w.bytes(), () -> ScalarAccess.write(h.accessor, w, true, off, v));
                        byte[] seen = h.bus.peek(off, w.bytes());
                        if (!Arrays.equals(seen, ScalarAccess.littleEndian(v, w.bytes()))) {
                            throw ConformanceFailure.of(ConformanceRule.DEVICE_BYTE_ORDER, h.label + " " + ScalarAccess.name(w, true, true) + "(" + hex(v) + ")",
                                    off, w.bytes(), "device bytes " + ScalarAccess.hex(seen),
                                    ScalarAccess.hex(ScalarAccess.littleEndian(v, w.bytes())), h.device.trace().entries());
                        }
                    }
                }
            }
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

    @Nested
    @Order(5)
    @DisplayName("Refused accesses")
    class RefusedAccesses {

        @Test
        @DisplayName("a scalar access outside the window throws OutOfBoundsAccessException and leaves the trace empty")
        void scalarOutOfBounds() {
            for (BackendUnderTest h : each()) {
                long size = h.accessor.size();
                for (Width w : widths(h.rules)) {
                    for (long off : new long[]{-1, -w.bytes(), size - w.bytes() + 1, size, size + 8, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 7}) {
                        if (off == size - w.bytes() + 1 && w == Width.BYTE) {
                            continue;
                        }
                        // Out of bounds and misaligned at once: either refusal is right.
                        Class<? extends Throwable> expected = h.rules.naturalAlignment() && off % w.bytes() != 0
                                ? IoAccessException.class : OutOfBoundsAccessException.class;
                        for (boolean ordered : new boolean[]{true, false}) {
                            expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), off, w.bytes(), expected,
                                    () -> ScalarAccess.write(h.accessor, w, ordered, off, -1L)));
                            expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, false), off, w.bytes(), expected,
                                    () -> ScalarAccess.read(h.accessor, w, ordered, off)));
                        }
                    }
                }
            }
        }

        @Test
        @DisplayName("a misaligned scalar access throws MisalignedAccessException where the rules demand alignment, with no traffic")
        void misaligned() {
            boolean any = false;
            for (BackendUnderTest h : each()) {
                if (!h.rules.naturalAlignment()) {
                    continue;
                }
                any = true;
                for (Width w : widths(h.rules)) {
                    for (long k = 1; k < w.bytes(); k++) {
                        long off = 256 + k;
                        for (boolean ordered : new boolean[]{true, false}) {
                            expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), off, w.bytes(), MisalignedAccessException.class,
                                    () -> ScalarAccess.write(h.accessor, w, ordered, off, -1L)));
                            expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, false), off, w.bytes(), MisalignedAccessException.class,
                                    () -> ScalarAccess.read(h.accessor, w, ordered, off)));
                        }
                    }
                }
            }
            Assumptions.assumeTrue(any, "the rules do not demand natural alignment");
        }

        @Test
        @DisplayName("a scalar access that would cross the rules' boundary throws BoundaryCrossingException with no traffic")
        void boundaryCrossing() {
            boolean any = false;
            for (BackendUnderTest h : each()) {
                for (Width w : widths(h.rules)) {
                    for (long off : boundaryCrossings(h.rules, w)) {
                        any = true;
                        for (boolean ordered : new boolean[]{true, false}) {
                            expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), off, w.bytes(), BoundaryCrossingException.class,
                                    () -> ScalarAccess.write(h.accessor, w, ordered, off, -1L)));
                            expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, false), off, w.bytes(), BoundaryCrossingException.class,
                                    () -> ScalarAccess.read(h.accessor, w, ordered, off)));
                        }
                    }
                }
            }
            Assumptions.assumeTrue(any, "the rules have no boundary a scalar could cross");
        }

        @Test
        @DisplayName("a write, copy or fill through a window mapped read-only throws ReadOnlyWindowException with no traffic")
        void readOnlyWindow() {
            ArchBackend b = backend();
            for (MemoryType t : memoryTypes()) {
                BackendUnderTest h = BackendUnderTest.openReadOnly(b, t, windowSize());
                for (Width w : widths(h.rules)) {
                    for (boolean ordered : new boolean[]{true, false}) {
                        expectRefused(h, new Refusal(ScalarAccess.name(w, ordered, true), 0, w.bytes(), ReadOnlyWindowException.class,
                                () -> ScalarAccess.write(h.accessor, w, ordered, 0, -1L)), ConformanceRule.READ_ONLY_WINDOW);
                    }
                }
                expectRefused(h, new Refusal("copyToIo", 0, 64, ReadOnlyWindowException.class,
                        () -> h.accessor.copyToIo(MemorySegment.ofArray(new byte[64]), 0)), ConformanceRule.READ_ONLY_WINDOW);
                expectRefused(h, new Refusal("fillIo", 0, 64, ReadOnlyWindowException.class,
                        () -> h.accessor.fillIo(0, 64, (byte) 0x5a)), ConformanceRule.READ_ONLY_WINDOW);
                expectRefused(h, new Refusal("write(offset, width)", 0, 4, ReadOnlyWindowException.class,
                        () -> h.accessor.write(0, widths(h.rules).getFirst(), 1)), ConformanceRule.READ_ONLY_WINDOW);
            }
        }

        @Test
        @DisplayName("a copy or fill that does not fit throws OutOfBoundsAccessException before writing a single byte")
        void copyOutOfBounds() {
            for (BackendUnderTest h : each()) {
                long size = h.accessor.size();
                long[][] cases = {{-1, 4}, {size - 36, 37}, {size - 1, 2}, {size, 1}, {size + 1, 0}, {-8, 16},
                        {Long.MAX_VALUE, 2}, {Long.MAX_VALUE - 3, 8}, {8, size}, {0, size + 1}};
                for (long[] c : cases) {
                    long off = c[0];
                    int len = (int) c[1];
                    MemorySegment src = MemorySegment.ofArray(new byte[len]);
                    MemorySegment dst = MemorySegment.ofArray(new byte[len]);
                    expectRefused(h, new Refusal("copyToIo", off, len, OutOfBoundsAccessException.class, () -> h.accessor.copyToIo(src, off)));
                    expectRefused(h, new Refusal("copyFromIo", off, len, OutOfBoundsAccessException.class, () -> h.accessor.copyFromIo(off, dst)));
                    expectRefused(h, new Refusal("fillIo", off, len, OutOfBoundsAccessException.class, () -> h.accessor.fillIo(off, len, (byte) 0x5A)));
                }
                for (long len : new long[]{-1, -4096, Long.MIN_VALUE}) {
                    expectRefused(h, new Refusal("fillIo", 8, len, OutOfBoundsAccessException.class, () -> h.accessor.fillIo(8, len, (byte) 1)));
                }
                expectRefused(h, new Refusal("fillIo", 16, Long.MAX_VALUE, OutOfBoundsAccessException.class,
                        () -> h.accessor.fillIo(16, Long.MAX_VALUE, (byte) 1)));
            }
        }

        @Test
        @DisplayName("a copy with a null buffer throws NullPointerException with no traffic")
        void nullBuffers() {
            for (BackendUnderTest h : each()) {
                expectRefused(h, new Refusal("copyToIo(null)", 0, 0, NullPointerException.class, () -> h.accessor.copyToIo(null, 0)));
                expectRefused(h, new Refusal("copyFromIo(null)", 0, 0, NullPointerException.class, () -> h.accessor.copyFromIo(0, null)));
            }
        }

        @Test
        @DisplayName("a slice outside the window throws OutOfBoundsAccessException with no traffic")
        void badSlices() {
            for (BackendUnderTest h : each()) {
                long size = h.accessor.size();
                long[][] cases = {{-1, 4}, {0, size + 1}, {size, 1}, {4, -1}, {Long.MAX_VALUE, 2}, {size - 4, 8}};
                for (long[] c : cases) {
                    expectRefused(h, new Refusal("slice", c[0], c[1], OutOfBoundsAccessException.class, () -> h.accessor.slice(c[0], c[1])));
                }
            }
        }
    }

    /**
     * A RAM buffer of {@code length} random bytes that starts {@code (seed >> 1) % 8} bytes into
     * a heap array or an 8-aligned native allocation: copies see every RAM alignment, which
     * algorithms that align the RAM side (powerpc's) plan on, and a backend that forgets a
     * segment's own offset moves the wrong bytes.
     */
    static MemorySegment source(int length, long seed, boolean nativeMemory, Arena arena) {
        int skip = (int) ((seed >>> 1) & 7);
        byte[] b = new byte[length + skip];
        new SplittableRandom(seed).nextBytes(b);
        if (nativeMemory) {
            MemorySegment s = arena.allocate(length + skip, 8).asSlice(skip, length);
            MemorySegment.copy(b, skip, s, ValueLayout.JAVA_BYTE, 0, length);
            return s;
        }
        return MemorySegment.ofArray(b).asSlice(skip, length);
    }

    /** Runs one copy or fill of {@code [rel, rel + len)} of accessor {@code a} at device offset {@code abs} and checks its bytes. */
    static List<TraceEntry> runAndCheckBytes(BackendUnderTest h, IoAccessor a, Operation op, long rel, long abs, int len, long seed) {
        String what = h.label + " " + op.method;
        h.scramble(seed);
        byte[] before = h.bus.snapshot();
        byte[] expected = before.clone();
        try (Arena arena = Arena.ofConfined()) {
            boolean nativeMemory = (seed & 1) == 0;
            List<TraceEntry> trace;
            switch (op) {
                case COPY_TO_IO -> {
                    MemorySegment src = source(len, seed * 31 + 7, nativeMemory, arena);
                    h.lastRamAddress = src.address();
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, expected, (int) abs, len);
                    trace = h.run(op.method, abs, len, () -> a.copyToIo(src, rel));
                }
                case FILL_IO -> {
                    h.lastRamAddress = 0;
                    byte value = (byte) (0x80 | (seed & 0x7F));
                    Arrays.fill(expected, (int) abs, (int) abs + len, value);
                    trace = h.run(op.method, abs, len, () -> a.fillIo(rel, len, value));
                }
                default -> {
                    MemorySegment dst = source(len, seed * 17 + 3, nativeMemory, arena);
                    h.lastRamAddress = dst.address();
                    trace = h.run(op.method, abs, len, () -> a.copyFromIo(rel, dst));
                    byte[] got = dst.toArray(ValueLayout.JAVA_BYTE);
                    for (int i = 0; i < len; i++) {
                        if (got[i] != before[(int) abs + i]) {
                            throw wrongByte(what, abs, len, abs + i, d -> d >= abs && d < abs + len ? got[(int) (d - abs)] & 0xFF : -1,
                                    d -> d >= 0 && d < before.length ? before[(int) d] & 0xFF : -2, trace, "the buffer");
                        }
                    }
                }
            }
            byte[] after = h.bus.snapshot();
            for (int i = 0; i < after.length; i++) {
                if (after[i] != expected[i]) {
                    if (i < abs || i >= abs + len) {
                        throw ConformanceFailure.of(ConformanceRule.INSIDE_RANGE, what, abs, len,
                                "device byte 0x" + Integer.toHexString(i) + " outside the range changed from "
                                        + String.format("%02x to %02x", before[i], after[i]), "bytes outside the range untouched", trace);
                    }
                    throw wrongByte(what, abs, len, i, d -> d >= 0 && d < after.length ? after[(int) d] & 0xFF : -1,
                            d -> d >= 0 && d < expected.length ? expected[(int) d] & 0xFF : -2, trace, "device memory");
                }
            }
            return trace;
        }
    }

    /**
     * A wrong byte at device offset {@code at}: blamed on byte order when the transaction that
     * moved it carried exactly the expected bytes reversed.
     */
    private static ConformanceFailure wrongByte(String what, long abs, long len, long at, java.util.function.LongUnaryOperator seen,
                                                java.util.function.LongUnaryOperator want, List<TraceEntry> trace, String where) {
        ConformanceRule rule = ConformanceRule.CORRECT_BYTES;
        for (TraceEntry e : trace) {
            if (e.isTransaction() && e.size() > 1 && e.offset() <= at && at < e.end()) {
                boolean reversed = true;
                for (int i = 0; i < e.size() && reversed; i++) {
                    reversed = seen.applyAsLong(e.offset() + i) == want.applyAsLong(e.end() - 1 - i);
                }
                if (reversed) {
                    rule = ConformanceRule.DEVICE_BYTE_ORDER;
                }
                break;
            }
        }
        return ConformanceFailure.of(rule, what, abs, len, String.format("byte %02x in %s for device offset 0x%x", seen.applyAsLong(at), where, at),
                String.format("%02x", want.applyAsLong(at)), trace);
    }

    @Nested
    @Order(6)
    @DisplayName("Copies and fills")
    class CopiesAndFills {

        private void bytes(Operation op) {
            for (BackendUnderTest h : each()) {
                long seed = 11;
                for (long[] c : copyCases(h.rules, h.accessor.size())) {
                    runAndCheckBytes(h, h.accessor, op, c[0], c[0], (int) c[1], seed++);
                }
            }
        }

        private void invariants(Operation op) {
            for (BackendUnderTest h : each()) {
                long seed = 101;
                for (long[] c : copyCases(h.rules, h.accessor.size())) {
                    List<TraceEntry> t = runOnly(h, h.accessor, op, c[0], (int) c[1], seed++);
                    CopyTraceChecks.checkInvariants(h.rules, op, h.label + " " + op.method, c[0], c[1], t);
                }
            }
        }

        private void algorithm(Operation op) {
            boolean any = false;
            for (BackendUnderTest h : each()) {
                if (!ReferenceCopyModel.covers(h.rules)) {
                    continue;
                }
                any = true;
                long seed = 1001;
                for (long[] c : copyCases(h.rules, h.accessor.size())) {
                    List<TraceEntry> t = runOnly(h, h.accessor, op, c[0], (int) c[1], seed++);
                    CopyTraceChecks.checkAlgorithm(h.rules, op, h.label + " " + op.method, c[0], c[1], h.lastRamAddress, t);
                }
            }
            Assumptions.assumeTrue(any, "the rules skip a width below maxCopyWidth, so no kernel algorithm applies");
        }

        @Test
        @DisplayName("copyToIo writes exactly the source bytes into its range and nothing else")
        void copyToIoBytes() {
            bytes(Operation.COPY_TO_IO);
        }

        @Test
        @DisplayName("copyFromIo reads exactly the device bytes of its range and changes nothing")
        void copyFromIoBytes() {
            bytes(Operation.COPY_FROM_IO);
        }

        @Test
        @DisplayName("fillIo sets exactly its range to the value and nothing else")
        void fillIoBytes() {
            bytes(Operation.FILL_IO);
        }

        @Test
        @DisplayName("copyToIo touches every byte once, in ascending order, with allowed, aligned accesses within every limit")
        void copyToIoInvariants() {
            invariants(Operation.COPY_TO_IO);
        }

        @Test
        @DisplayName("copyFromIo touches every byte once, in ascending order, with allowed, aligned loads within every limit")
        void copyFromIoInvariants() {
            invariants(Operation.COPY_FROM_IO);
        }

        @Test
        @DisplayName("fillIo touches every byte once, in ascending order, with allowed, aligned accesses within every limit")
        void fillIoInvariants() {
            invariants(Operation.FILL_IO);
        }

        @Test
        @DisplayName("copyToIo issues exactly the accesses of the architecture's kernel memcpy_toio")
        void copyToIoAlgorithm() {
            algorithm(Operation.COPY_TO_IO);
        }

        @Test
        @DisplayName("copyFromIo issues exactly the accesses of the architecture's kernel memcpy_fromio")
        void copyFromIoAlgorithm() {
            algorithm(Operation.COPY_FROM_IO);
        }

        @Test
        @DisplayName("fillIo issues exactly the accesses of the architecture's kernel memset_io")
        void fillIoAlgorithm() {
            algorithm(Operation.FILL_IO);
        }
    }

    /** Runs one copy or fill without checking bytes; returns its trace. */
    static List<TraceEntry> runOnly(BackendUnderTest h, IoAccessor a, Operation op, long rel, int len, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            boolean nativeMemory = (seed & 1) == 0;
            MemorySegment buf = source(len, seed, nativeMemory, arena);
            h.lastRamAddress = op == Operation.FILL_IO ? 0 : buf.address();
            return switch (op) {
                case COPY_TO_IO -> h.run(op.method, rel, len, () -> a.copyToIo(buf, rel));
                case COPY_FROM_IO -> h.run(op.method, rel, len, () -> a.copyFromIo(rel, buf));
                case FILL_IO -> h.run(op.method, rel, len, () -> a.fillIo(rel, len, (byte) 0xC3));
            };
        }
    }

    @Nested
    @Order(7)
    @DisplayName("Device quirks")
    class DeviceQuirks {

        @Test
        @DisplayName("a quirk that forbids 64-bit accesses refuses them before the bus and keeps them out of copies and fills")
        void no64Bit() {
            ArchBackend b = backend();
            boolean any = false;
            for (MemoryType t : memoryTypes()) {
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
                BackendUnderTest h = BackendUnderTest.open(b, rules, windowSize(), "with quirk no-64-bit");
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

    @Nested
    @Order(8)
    @DisplayName("Slices")
    class Slices {

        @Test
        @DisplayName("a slice maps its offsets onto the device and reaches nothing outside its own range")
        void isolation() {
            for (BackendUnderTest h : each()) {
                long base = pageOf(h.rules) + 64;
                long size = 256;
                IoAccessor s = h.accessor.slice(base, size);
                String what = h.label + " slice(0x" + Long.toHexString(base) + ", " + size + ")";
                if (s.size() != size || !s.rules().equals(h.accessor.rules()) || s.memoryType() != h.accessor.memoryType() || s.isClosed()) {
                    throw ConformanceFailure.of(ConformanceRule.SLICE_ISOLATION, what, base, size,
                            "size " + s.size() + ", rules " + s.rules() + ", " + s.memoryType() + (s.isClosed() ? ", closed" : ""),
                            "size " + size + " and the parent's rules and memory type, open", null);
                }
                try {
                    checkSlice(h, s, base, size);
                } catch (ConformanceFailure f) {
                    throw f.rule() == ConformanceRule.SLICE_ISOLATION ? f : ConformanceFailure.of(ConformanceRule.SLICE_ISOLATION, what,
                            base, size, f.getMessage(), "the slice's accesses at the device offsets of its range, and only there", null, f);
                }
            }
        }

        private void checkSlice(BackendUnderTest h, IoAccessor s, long base, long size) {
            for (Width w : widths(h.rules)) {
                for (long rel : new long[]{0, 8, size - w.bytes()}) {
                    for (boolean ordered : new boolean[]{true, false}) {
                        roundTripAt(h, w, ordered, rel, base + rel, s);
                    }
                }
                List<Long> outside = new ArrayList<>(List.of(size, size + 8, (long) -w.bytes()));
                if (!h.rules.naturalAlignment() && w != Width.BYTE) {
                    outside.add(size - w.bytes() + 1);
                }
                for (long rel : outside) {
                    expectRefused(h, new Refusal("slice " + ScalarAccess.name(w, true, true), base + rel, w.bytes(),
                            OutOfBoundsAccessException.class, () -> ScalarAccess.write(s, w, true, rel, 1)));
                    expectRefused(h, new Refusal("slice " + ScalarAccess.name(w, true, false), base + rel, w.bytes(),
                            OutOfBoundsAccessException.class, () -> ScalarAccess.read(s, w, true, rel)));
                }
            }
            MemorySegment tooLong = MemorySegment.ofArray(new byte[(int) size + 1]);
            expectRefused(h, new Refusal("slice copyToIo", base, size + 1, OutOfBoundsAccessException.class, () -> s.copyToIo(tooLong, 0)));
            expectRefused(h, new Refusal("slice copyFromIo", base + 1, size, OutOfBoundsAccessException.class,
                    () -> s.copyFromIo(1, MemorySegment.ofArray(new byte[(int) size]))));
            expectRefused(h, new Refusal("slice fillIo", base + 200, 57, OutOfBoundsAccessException.class, () -> s.fillIo(200, 57, (byte) 1)));
            expectRefused(h, new Refusal("slice of slice", base + 250, 7, OutOfBoundsAccessException.class, () -> s.slice(250, 7)));
            IoAccessor inner = s.slice(16, 32);
            roundTripAt(h, widths(h.rules).getFirst(), true, 0, base + 16, inner);
            expectRefused(h, new Refusal("slice of slice write8", base + 48, 1, OutOfBoundsAccessException.class, () -> inner.write8(32, (byte) 1)));
        }

        @Test
        @DisplayName("copies and fills in a slice at an odd device offset are split by the device address")
        void copiesInAnOddSlice() {
            for (BackendUnderTest h : each()) {
                long base = pageOf(h.rules) - 13;
                long size = 300;
                IoAccessor s = h.accessor.slice(base, size);
                long seed = 77;
                long[][] cases = {{0, 300}, {1, 40}, {3, 17}, {5, 200}, {13, 8}, {12, 9}, {0, 13}, {290, 10}};
                for (long[] c : cases) {
                    for (Operation op : Operation.values()) {
                        long abs = base + c[0];
                        List<TraceEntry> t = runAndCheckBytes(h, s, op, c[0], abs, (int) c[1], seed++);
                        String what = h.label + " slice(0x" + Long.toHexString(base) + ") " + op.method;
                        CopyTraceChecks.checkInvariants(h.rules, op, what, abs, c[1], t);
                        if (ReferenceCopyModel.covers(h.rules)) {
                            CopyTraceChecks.checkAlgorithm(h.rules, op, what, abs, c[1], h.lastRamAddress, t);
                        }
                    }
                }
            }
        }
    }

    @Nested
    @Order(12)
    @DisplayName("Contract edges: slices' hooks, read(offset, width) refusals, one load per read, RAM buffers, windows beyond 4 GiB, the native path")
    class ContractEdges extends ContractEdgeChecks {
        @Override
        ArchBackendConformance kit() {
            return ArchBackendConformance.this;
        }
    }

    @Nested
    @Order(9)
    @DisplayName("Closing")
    class Closing {

        private List<Refusal> everything(IoAccessor a, Width w) {
            List<Refusal> out = new ArrayList<>();
            for (boolean ordered : new boolean[]{true, false}) {
                out.add(new Refusal(ScalarAccess.name(w, ordered, true) + " after close", 0, w.bytes(), IllegalStateException.class,
                        () -> ScalarAccess.write(a, w, ordered, 0, 1)));
                out.add(new Refusal(ScalarAccess.name(w, ordered, false) + " after close", 0, w.bytes(), IllegalStateException.class,
                        () -> ScalarAccess.read(a, w, ordered, 0)));
            }
            out.add(new Refusal("copyToIo after close", 0, 16, IllegalStateException.class, () -> a.copyToIo(MemorySegment.ofArray(new byte[16]), 0)));
            out.add(new Refusal("copyFromIo after close", 0, 16, IllegalStateException.class, () -> a.copyFromIo(0, MemorySegment.ofArray(new byte[16]))));
            out.add(new Refusal("fillIo after close", 0, 16, IllegalStateException.class, () -> a.fillIo(0, 16, (byte) 1)));
            out.add(new Refusal("flushWrites after close", 0, 0, IllegalStateException.class, a::flushWrites));
            out.add(new Refusal("slice after close", 0, 16, IllegalStateException.class, () -> a.slice(0, 16)));
            return out;
        }

        private void expectClosedRefusal(BackendUnderTest h, Refusal r) {
            expectRefused(h, r, ConformanceRule.CLOSE);
        }

        @Test
        @DisplayName("every access through a closed accessor throws AccessorClosedException and touches nothing; close releases the bus")
        void useAfterClose() {
            for (BackendUnderTest h : each()) {
                h.accessor.close();
                if (!h.accessor.isClosed()) {
                    throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " isClosed() after close()", 0, 0, "false", "true", null);
                }
                if (!h.bus.isClosed()) {
                    throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " close()", 0, 0, "the bus left open",
                            "closing the root accessor closes its bus", null);
                }
                for (Width w : widths(h.rules)) {
                    for (Refusal r : everything(h.accessor, w)) {
                        expectClosedRefusal(h, r);
                    }
                }
            }
        }

        @Test
        @DisplayName("close is idempotent")
        void idempotent() {
            for (BackendUnderTest h : each()) {
                h.accessor.close();
                try {
                    h.accessor.close();
                } catch (RuntimeException e) {
                    throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " second close()", 0, 0,
                            e.getClass().getSimpleName() + ": " + e.getMessage(), "nothing: close is idempotent", null, e);
                }
                if (!h.device.trace().isEmpty()) {
                    throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " close()", 0, 0, "bus traffic on close",
                            "none", h.device.trace().entries());
                }
            }
        }

        @Test
        @DisplayName("closing a slice closes only the slice; closing the window closes its slices")
        void slices() {
            for (BackendUnderTest h : each()) {
                Width w = widths(h.rules).getFirst();
                IoAccessor s = h.accessor.slice(64, 64);
                s.close();
                if (!s.isClosed() || h.accessor.isClosed() || h.bus.isClosed()) {
                    throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " slice(64, 64).close()", 64, 64,
                            "slice closed=" + s.isClosed() + ", window closed=" + h.accessor.isClosed() + ", bus closed=" + h.bus.isClosed(),
                            "only the slice closed", null);
                }
                for (Refusal r : everything(s, w)) {
                    expectClosedRefusal(h, r);
                }
                roundTripAt(h, w, true, 64, 64, h.accessor);
                IoAccessor s2 = h.accessor.slice(128, 64);
                h.accessor.close();
                if (!s2.isClosed()) {
                    throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " close() of the window", 128, 64,
                            "its slice still open", "its slices closed too", null);
                }
                for (Refusal r : everything(s2, w)) {
                    expectClosedRefusal(h, r);
                }
            }
        }
    }

    @Nested
    @Order(10)
    @DisplayName("Concurrency")
    class Concurrency {

        @Test
        @DisplayName("threads writing and reading distinct neighbouring registers at once lose no write")
        void distinctRegisters() throws Exception {
            int threads = 4;
            int rounds = 2000;
            for (BackendUnderTest h : each()) {
                Width w = h.rules.allows(Width.INT) ? Width.INT : widths(h.rules).getFirst();
                long base = 512;
                h.device.trace().clear();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<String>> results = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        long off = base + (long) t * w.bytes();
                        int id = t;
                        results.add(pool.submit(() -> {
                            start.await();
                            for (int i = 1; i <= rounds; i++) {
                                long v = ((long) id << (w.bits() - 4)) | i;
                                v &= w.mask();
                                ScalarAccess.write(h.accessor, w, (i & 1) == 0, off, v);
                                long back = ScalarAccess.read(h.accessor, w, (i & 1) != 0, off);
                                if (back != v) {
                                    return "thread " + id + " read " + hex(back) + " right after writing " + hex(v);
                                }
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    for (Future<String> f : results) {
                        String problem = f.get(120, TimeUnit.SECONDS);
                        if (problem != null) {
                            throw ConformanceFailure.of(ConformanceRule.CONCURRENT_WRITES, h.label + " " + threads + " threads", base,
                                    (long) threads * w.bytes(), problem, "each thread to read back its own last write", null);
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
                List<TraceEntry> trace = h.device.trace().entries();
                for (int t = 0; t < threads; t++) {
                    long off = base + (long) t * w.bytes();
                    long last = (((long) t << (w.bits() - 4)) | rounds) & w.mask();
                    long seen = h.bus.peekValue(off, w);
                    long stores = trace.stream().filter(e -> e.kind() == AccessKind.STORE && e.offset() == off && e.size() == w.bytes()).count();
                    long foreign = trace.stream().filter(e -> e.isTransaction() && e.overlaps(off, off + w.bytes())
                            && (e.offset() != off || e.size() != w.bytes())).count();
                    if (seen != last || stores != rounds || foreign != 0) {
                        throw ConformanceFailure.of(ConformanceRule.CONCURRENT_WRITES, h.label + " " + threads + " threads", off, w.bytes(),
                                "final value " + hex(seen) + ", " + stores + " stores of the register, " + foreign + " wider or shifted accesses over it",
                                hex(last) + ", " + rounds + " stores, none wider or shifted", null);
                    }
                }
            }
        }

        @Test
        @DisplayName("threads copying and filling distinct ranges at once see only their own bytes")
        void distinctRanges() throws Exception {
            int threads = 4;
            int rounds = 300;
            int span = 40;
            for (BackendUnderTest h : each()) {
                long base = 3 * pageOf(h.rules) / 2 + 3;
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<String>> results = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        long off = base + (long) t * (span + 5);
                        int id = t;
                        results.add(pool.submit(() -> {
                            start.await();
                            byte[] mine = new byte[span];
                            byte[] back = new byte[span];
                            for (int i = 0; i < rounds; i++) {
                                Arrays.fill(mine, (byte) (id * 64 + i));
                                mine[i % span] ^= (byte) 0x5A;
                                h.accessor.copyToIo(MemorySegment.ofArray(mine), off);
                                h.accessor.copyFromIo(off, MemorySegment.ofArray(back));
                                if (!Arrays.equals(mine, back)) {
                                    return "thread " + id + " read back " + ScalarAccess.hex(back) + " after copying " + ScalarAccess.hex(mine);
                                }
                                h.accessor.fillIo(off, span, (byte) ~id);
                                h.accessor.copyFromIo(off, MemorySegment.ofArray(back));
                                for (byte b : back) {
                                    if (b != (byte) ~id) {
                                        return "thread " + id + " read back " + ScalarAccess.hex(back) + " after filling with " + String.format("%02x", (byte) ~id);
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    start.countDown();
                    for (Future<String> f : results) {
                        String problem = f.get(120, TimeUnit.SECONDS);
                        if (problem != null) {
                            throw ConformanceFailure.of(ConformanceRule.CONCURRENT_WRITES, h.label + " " + threads + " threads copying", base,
                                    (long) threads * (span + 5), problem, "each thread to read back exactly what it wrote", null);
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
                if (!h.bus.faults().isEmpty()) {
                    throw h.fault("concurrent copies", base, (long) threads * (span + 5), h.bus.faults().getFirst());
                }
            }
        }
    }

    @Nested
    @Order(11)
    @DisplayName("Registers with side effects")
    class SideEffects {

        @Test
        @DisplayName("a FIFO register gives one value per read, in order, for every width, ordered and relaxed")
        void fifo() {
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
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
            for (BackendUnderTest h : each()) {
                Width w = widths(h.rules).getLast();
                long status = ScalarAccess.pattern(w, 3) | 1;
                for (long[] c : new long[][]{{3008, 37}, {3008, 64}, {3008, 1}, {3009, 6}}) {
                    for (Operation op : Operation.values()) {
                        BackendUnderTest fresh = BackendUnderTest.open(h.backend, h.rules.memoryType(), windowSize());
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
}
