package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link IoAccessor} of every rule-based backend, and its scalar fast path. Every access is
 * validated against the {@link AccessRules} before any bus traffic ({@link AccessChecks}); ordered
 * accesses get the architecture's four hooks (before and after a read, with the value, before and
 * after a write), relaxed ones too where the rules say relaxed accesses are ordered; copies and
 * fills run as {@link CopyPlanner} plans them ({@link PlannedCopies}, or the bus's
 * {@link NativeCopyRoutines}).
 *
 * <p>Each instance is a window {@code [base, base + size)} of one bus; slices share the bus, and
 * closing an accessor closes every slice made from it, and theirs. The scalar paths allocate
 * nothing.
 *
 * <p>Over a {@link MappedBus}, a scalar of an allowed width goes straight to this accessor's
 * slice of the mapping, whose FFM checks (bounds, the mapping arena's liveness) are part of the
 * validation, and whose failures are translated into the contract's exceptions; everything else
 * takes the slow path, which checks every rule first. Copies and fills go to the bus's
 * {@link NativeCopyRoutines} when those issue exactly this window's plan and the algorithm has
 * no fences, else to {@link PlannedCopies}. Either way nothing reaches the device, and no hook
 * runs, before every check has passed.
 */
public final class RuleDrivenAccessor implements IoAccessor {

    // The names of read(offset, width) and write(...) for messages, made once rather than per call.
    private static final String[] READ_NAMES = {"read8", "read16", "read32", "read64"};
    private static final String[] WRITE_NAMES = {"write8", "write16", "write32", "write64"};

    private final IoBus bus;
    private final AccessRules rules;
    private final Barriers barriers;
    private final AccessChecks checks;
    private final PlannedCopies copies;
    /** Whether relaxed accesses call the hooks ({@link RelaxedOrdering#ORDERED}); read on slow paths only. */
    private final boolean relaxedOrdered;
    /** Slices made from this accessor, closed when it closes (weakly held; guarded by this). */
    private final List<WeakReference<RuleDrivenAccessor>> children = new ArrayList<>();
    private final long base;
    private final long size;
    /**
     * The bus's native copy routines when they issue this window's plan (and the mapping's
     * address is aligned to the copy width, so plans on addresses and on offsets agree, and the
     * algorithm has no fences, which a routine cannot call), else {@code null}.
     */
    private final NativeCopyRoutines nativeCopies;
    private final boolean isRoot;
    private volatile boolean closed;

    /*
     * The scalar fast path over a MappedBus: per width and kind, this accessor's window of the
     * mapping (a slice [base, base + size)), or null when that access must take the validating
     * slow path (width denied, a boundary rule, another bus, a read-only window for stores,
     * relaxed accesses that are ordered, or closed). The window carries every check a relaxed
     * scalar needs, done by FFM as part of the access and before it: bounds (the window's size),
     * liveness of the mapping's arena, and (with the aligned layouts) alignment, which is also
     * tested first, so a misaligned access goes to the slow path (and from there to the bus's
     * native scalar routines, if it has them). What FFM throws is translated by refused(). This
     * saves the accessor's own field loads per access (bench B1): the fields are reloaded on
     * every access because the accesses are compiler barriers.
     *
     * Plain fields, dropped (set to null) on close: a thread racing a close may complete one
     * more access, which the contract allows ("completes or throws"); the mapping stays valid
     * until its owner closes the arena, and FFM checks that arena on every access. Any thread
     * that synchronizes with the closing thread sees null and takes the slow path, which throws
     * AccessorClosedException.
     */
    private MemorySegment load8, load16, load32, load64;
    private MemorySegment store8, store16, store32, store64;
    private MemorySegment relaxedLoad8, relaxedLoad16, relaxedLoad32, relaxedLoad64;
    private MemorySegment relaxedStore8, relaxedStore16, relaxedStore32, relaxedStore64;
    /** The window with this accessor's lifetime, made when a register block first asks (guarded by this). */
    private MemorySegment relaxedReadWindow;
    private Arena relaxedReadArena;
    /*
     * The same for copies and fills with native routines: this accessor's window of the mapping,
     * or null (no routines for these rules, closed, or for writes a read-only window). The
     * routines get the window and the offset; the bounds test stays here, since a downcall checks
     * only that the window's arena is alive and owned by this thread.
     */
    private MemorySegment nativeReads;
    private MemorySegment nativeWrites;

    private RuleDrivenAccessor(IoBus bus, AccessRules rules, Barriers barriers, PlannedCopies copies, long base, long size, boolean isRoot) {
        this.bus = bus;
        this.rules = rules;
        this.barriers = barriers;
        this.copies = copies;
        this.base = base;
        this.size = size;
        this.isRoot = isRoot;
        this.checks = new AccessChecks(rules, base, size, bus.isReadOnly());
        this.relaxedOrdered = rules.relaxedOrdering() == RelaxedOrdering.ORDERED;
        MemorySegment readable = bus instanceof MappedBus m ? m.segment() : null;
        boolean writable = readable != null && !bus.isReadOnly();
        if (readable != null && rules.boundary() == 0) {
            MemorySegment window = readable.asSlice(base, size);
            load8 = rules.allows(Width.BYTE) ? window : null;
            load16 = rules.allows(Width.SHORT) ? window : null;
            load32 = rules.allows(Width.INT) ? window : null;
            load64 = rules.allows(Width.LONG) ? window : null;
            if (writable) {
                store8 = load8;
                store16 = load16;
                store32 = load32;
                store64 = load64;
            }
            if (!relaxedOrdered) {
                relaxedLoad8 = load8;
                relaxedLoad16 = load16;
                relaxedLoad32 = load32;
                relaxedLoad64 = load64;
                relaxedStore8 = store8;
                relaxedStore16 = store16;
                relaxedStore32 = store32;
                relaxedStore64 = store64;
            }
        }
        int copyWidth = rules.maxCopyWidth().bytes();
        this.nativeCopies = bus instanceof MappedBus m && m.routines() != null && m.routines().issuesPlanOf(rules)
                && !copies.fenced() && (m.segment().address() & (copyWidth - 1)) == 0 ? m.routines() : null;
        if (nativeCopies != null) {
            this.nativeReads = readable.asSlice(base, size);
            this.nativeWrites = writable ? nativeReads : null;
        }
    }

    /**
     * Creates an accessor of a whole bus.
     *
     * @param bus      the bus
     * @param rules    the rules to enforce
     * @param barriers the ordering hooks
     * @return the accessor; closing it closes the bus
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the rules have block stores the bus cannot issue
     */
    public static RuleDrivenAccessor over(IoBus bus, AccessRules rules, Barriers barriers) {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(barriers, "barriers");
        rules.blockStore().ifPresent(b -> {
            if (bus.blockStoreLimit() < b.maxBytes()) {
                throw new IllegalArgumentException("rules " + rules.name() + " use block stores of up to " + b.maxBytes()
                        + " bytes but the bus allows " + bus.blockStoreLimit());
            }
        });
        return new RuleDrivenAccessor(bus, rules, barriers, new PlannedCopies(bus, rules, barriers), 0, bus.size(), true);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public MemoryType memoryType() {
        return rules.memoryType();
    }

    @Override
    public AccessRules rules() {
        return rules;
    }

    // ---- scalars ----
    //
    // Fast path: the window of the access's kind (see the fields), tested for alignment on the
    // device address, then one access of the aligned layout (MappedBus.aligned*) whose FFM checks
    // are the remaining validation. Slow path: every check first, then the hooks and the bus's
    // access; it also serves unaligned accesses where the rules allow them (a MappedBus sends
    // them to its native scalar routines), other buses, denied widths and closed accessors.

    /**
     * Turns what FFM threw from a fast-path access (out of the window, the mapping's arena closed)
     * into iomem's exception for the first rule the access broke; anything else is rethrown.
     */
    private RuntimeException refused(RuntimeException e, long offset, Width w, String what) {
        boolean c = closed;
        if (c || offset < 0 || offset > size - w.bytes()) {
            return checks.refusal(offset, w, what, c);
        }
        return e;
    }

    private long slowLoad(long offset, Width w, String what, boolean ordered) {
        long at = checks.scalar(offset, w, what, closed);
        if (!ordered) {
            // Through the bus, not its static paths: an unaligned scalar goes to a MappedBus's
            // native scalar routines when it has them.
            return bus.load(at, w);
        }
        Barriers b = barriers;
        b.beforeRead();
        long v = bus.load(at, w);
        b.afterRead(v & w.mask());
        return v;
    }

    private void slowStore(long offset, Width w, long value, String what, boolean ordered) {
        long at = checks.scalar(offset, w, what, closed);
        checks.writable(what, offset, w.bytes());
        if (!ordered) {
            bus.store(at, w, value & w.mask());
            return;
        }
        Barriers b = barriers;
        b.beforeWrite();
        bus.store(at, w, value & w.mask());
        b.afterWrite();
    }

    @Override
    public byte read8(long offset) {
        MemorySegment m = load8;
        // The hooks must not run for a refused read, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && offset >= 0 && offset <= m.byteSize() - 1) {
            // One load of the hooks for both calls: C2 checks their class once, and the
            // accesses' compiler fences do not make it reload the field in between.
            Barriers b = barriers;
            b.beforeRead();
            byte v;
            try {
                v = MappedBus.aligned8(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "read8");
            }
            b.afterRead(v & 0xffL);
            return v;
        }
        return (byte) slowLoad(offset, Width.BYTE, "read8", true);
    }

    @Override
    public byte read8Relaxed(long offset) {
        MemorySegment m = relaxedLoad8;
        if (m != null) {
            try {
                return MappedBus.aligned8(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "read8Relaxed");
            }
        }
        return (byte) slowLoad(offset, Width.BYTE, "read8Relaxed", relaxedOrdered);
    }
    @Override
    public short read16(long offset) {
        MemorySegment m = load16;
        // The hooks must not run for a refused read, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 1) == 0 && offset >= 0 && offset <= m.byteSize() - 2) {
            Barriers b = barriers;
            b.beforeRead();
            short v;
            try {
                v = MappedBus.aligned16(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "read16");
            }
            b.afterRead(v & 0xffffL);
            return v;
        }
        return (short) slowLoad(offset, Width.SHORT, "read16", true);
    }

    @Override
    public short read16Relaxed(long offset) {
        MemorySegment m = relaxedLoad16;
        if (m != null && ((m.address() + offset) & 1) == 0) {
            try {
                return MappedBus.aligned16(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "read16Relaxed");
            }
        }
        return (short) slowLoad(offset, Width.SHORT, "read16Relaxed", relaxedOrdered);
    }
    @Override
    public int read32(long offset) {
        MemorySegment m = load32;
        // The hooks must not run for a refused read, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 3) == 0 && offset >= 0 && offset <= m.byteSize() - 4) {
            Barriers b = barriers;
            b.beforeRead();
            int v;
            try {
                v = MappedBus.aligned32(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "read32");
            }
            b.afterRead(v & 0xffff_ffffL);
            return v;
        }
        return (int) slowLoad(offset, Width.INT, "read32", true);
    }

    @Override
    public int read32Relaxed(long offset) {
        MemorySegment m = relaxedLoad32;
        if (m != null && ((m.address() + offset) & 3) == 0) {
            try {
                return MappedBus.aligned32(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "read32Relaxed");
            }
        }
        return (int) slowLoad(offset, Width.INT, "read32Relaxed", relaxedOrdered);
    }
    @Override
    public long read64(long offset) {
        MemorySegment m = load64;
        // The hooks must not run for a refused read, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 7) == 0 && offset >= 0 && offset <= m.byteSize() - 8) {
            Barriers b = barriers;
            b.beforeRead();
            long v;
            try {
                v = MappedBus.aligned64(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "read64");
            }
            b.afterRead(v);
            return v;
        }
        return slowLoad(offset, Width.LONG, "read64", true);
    }

    @Override
    public long read64Relaxed(long offset) {
        MemorySegment m = relaxedLoad64;
        if (m != null && ((m.address() + offset) & 7) == 0) {
            try {
                return MappedBus.aligned64(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "read64Relaxed");
            }
        }
        return slowLoad(offset, Width.LONG, "read64Relaxed", relaxedOrdered);
    }
    @Override
    public void write8(long offset, byte value) {
        MemorySegment m = store8;
        // The hooks must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && offset >= 0 && offset <= m.byteSize() - 1) {
            Barriers b = barriers;
            b.beforeWrite();
            try {
                MappedBus.aligned8(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "write8");
            }
            b.afterWrite();
        } else {
            slowStore(offset, Width.BYTE, value & 0xffL, "write8", true);
        }
    }

    @Override
    public void write8Relaxed(long offset, byte value) {
        MemorySegment m = relaxedStore8;
        if (m != null) {
            try {
                MappedBus.aligned8(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "write8Relaxed");
            }
        } else {
            slowStore(offset, Width.BYTE, value & 0xffL, "write8Relaxed", relaxedOrdered);
        }
    }
    @Override
    public void write16(long offset, short value) {
        MemorySegment m = store16;
        // The hooks must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 1) == 0 && offset >= 0 && offset <= m.byteSize() - 2) {
            Barriers b = barriers;
            b.beforeWrite();
            try {
                MappedBus.aligned16(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "write16");
            }
            b.afterWrite();
        } else {
            slowStore(offset, Width.SHORT, value & 0xffffL, "write16", true);
        }
    }

    @Override
    public void write16Relaxed(long offset, short value) {
        MemorySegment m = relaxedStore16;
        if (m != null && ((m.address() + offset) & 1) == 0) {
            try {
                MappedBus.aligned16(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "write16Relaxed");
            }
        } else {
            slowStore(offset, Width.SHORT, value & 0xffffL, "write16Relaxed", relaxedOrdered);
        }
    }
    @Override
    public void write32(long offset, int value) {
        MemorySegment m = store32;
        // The hooks must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 3) == 0 && offset >= 0 && offset <= m.byteSize() - 4) {
            Barriers b = barriers;
            b.beforeWrite();
            try {
                MappedBus.aligned32(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "write32");
            }
            b.afterWrite();
        } else {
            slowStore(offset, Width.INT, value & 0xffff_ffffL, "write32", true);
        }
    }

    @Override
    public void write32Relaxed(long offset, int value) {
        MemorySegment m = relaxedStore32;
        if (m != null && ((m.address() + offset) & 3) == 0) {
            try {
                MappedBus.aligned32(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "write32Relaxed");
            }
        } else {
            slowStore(offset, Width.INT, value & 0xffff_ffffL, "write32Relaxed", relaxedOrdered);
        }
    }
    @Override
    public void write64(long offset, long value) {
        MemorySegment m = store64;
        // The hooks must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 7) == 0 && offset >= 0 && offset <= m.byteSize() - 8) {
            Barriers b = barriers;
            b.beforeWrite();
            try {
                MappedBus.aligned64(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "write64");
            }
            b.afterWrite();
        } else {
            slowStore(offset, Width.LONG, value, "write64", true);
        }
    }

    @Override
    public void write64Relaxed(long offset, long value) {
        MemorySegment m = relaxedStore64;
        if (m != null && ((m.address() + offset) & 7) == 0) {
            try {
                MappedBus.aligned64(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "write64Relaxed");
            }
        } else {
            slowStore(offset, Width.LONG, value, "write64Relaxed", relaxedOrdered);
        }
    }

    @Override
    public long read(long offset, Width width) {
        Objects.requireNonNull(width, "width");
        return slowLoad(offset, width, READ_NAMES[width.ordinal()], true) & width.mask();
    }

    @Override
    public void write(long offset, Width width, long value) {
        Objects.requireNonNull(width, "width");
        slowStore(offset, width, value, WRITE_NAMES[width.ordinal()], true);
    }

    // ---- copies and fills: validated here, run natively or by PlannedCopies ----

    @Override
    public void copyToIo(MemorySegment src, long ioOffset) {
        Objects.requireNonNull(src, "src");
        long len = src.byteSize();
        MemorySegment io = nativeWrites;
        if (io != null && ioOffset >= 0 && ioOffset <= io.byteSize() - len) {
            // No usable(): the downcall checks src's arena and thread before the call.
            if (len > 0) {
                nativeCopies.copyToIo(io, ioOffset, src, len);
            }
            return;
        }
        // Kept apart so that the native path above stays small enough for the JIT to inline.
        plannedCopyToIo(src, ioOffset, len);
    }

    private void plannedCopyToIo(MemorySegment src, long ioOffset, long len) {
        long at = checks.range(ioOffset, len, "copyToIo", closed);
        checks.writable("copyToIo", ioOffset, len);
        AccessChecks.usable(src, len);
        copies.copyToIo(src, at, len);
    }

    @Override
    public void copyFromIo(long ioOffset, MemorySegment dst) {
        Objects.requireNonNull(dst, "dst");
        long len = dst.byteSize();
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("copyFromIo into a read-only segment");
        }
        MemorySegment io = nativeReads;
        if (io != null && ioOffset >= 0 && ioOffset <= io.byteSize() - len) {
            if (len > 0) {
                nativeCopies.copyFromIo(io, ioOffset, dst, len);
            }
            return;
        }
        plannedCopyFromIo(ioOffset, dst, len);
    }

    private void plannedCopyFromIo(long ioOffset, MemorySegment dst, long len) {
        long at = checks.range(ioOffset, len, "copyFromIo", closed);
        AccessChecks.usable(dst, len);
        copies.copyFromIo(at, dst, len);
    }

    @Override
    public void fillIo(long ioOffset, long length, byte value) {
        MemorySegment io = nativeWrites;
        if (io != null && length >= 0 && ioOffset >= 0 && ioOffset <= io.byteSize() - length) {
            if (length > 0) {
                nativeCopies.fillIo(io, ioOffset, value, length);
            }
            return;
        }
        plannedFillIo(ioOffset, length, value);
    }

    private void plannedFillIo(long ioOffset, long length, byte value) {
        long at = checks.range(ioOffset, length, "fillIo", closed);
        checks.writable("fillIo", ioOffset, length);
        copies.fillIo(at, length, value);
    }

    // ---- flush, slices, close ----

    @Override
    public void flushWrites() {
        checks.range(0, 0, "flushWrites", closed);
        barriers.flushWrites();
    }

    @Override
    public IoAccessor slice(long offset, long size) {
        long at = checks.range(offset, size, "slice", closed);
        RuleDrivenAccessor slice = new RuleDrivenAccessor(bus, rules, barriers, copies, at, size, false);
        if (!adopt(slice)) {
            // This accessor closed after the range check: the slice is born closed.
            slice.closed = true;
            slice.dropWindows();
        }
        return slice;
    }

    /** Sends every later access to the slow path, which checks the closed flag first. */
    private void dropWindows() {
        load8 = load16 = load32 = load64 = null;
        store8 = store16 = store32 = store64 = null;
        relaxedLoad8 = relaxedLoad16 = relaxedLoad32 = relaxedLoad64 = null;
        relaxedStore8 = relaxedStore16 = relaxedStore32 = relaxedStore64 = null;
        nativeReads = nativeWrites = null;
        Arena direct;
        synchronized (this) {
            direct = relaxedReadArena;
            relaxedReadArena = null;
            relaxedReadWindow = null;
        }
        if (direct != null) {
            direct.close(); // every register handle over it now fails its liveness check
        }
    }

    /** {@return where this accessor's window starts on its bus: 0 for a whole BAR, the slice's offset in it for a slice} */
    public long busOffset() {
        return base;
    }

    /**
     * {@return this accessor's window as a segment whose lifetime ends when the accessor closes
     * (or an accessor it was sliced from does), for register handles' relaxed reads;
     * {@code null} where a relaxed read here is not one plain access of a mapped window (a bus
     * other than {@link MappedBus}, a boundary rule, relaxed accesses that are ordered), where
     * this accessor is closed, or where {@code dev.iomem.core} has no native access}
     * A handle reads it with {@link MappedBus#relaxedLoad}, which is exactly what this accessor's
     * own relaxed fast path does, at an offset it has checked against the window and the rules at
     * bind time; a read after the close fails the segment's liveness check with an
     * {@link IllegalStateException} and never reaches the device.
     */
    @SuppressWarnings("restricted") // the same memory, given a lifetime of its own
    public synchronized MemorySegment relaxedReadWindow() {
        MemorySegment window = relaxedLoad32 != null ? relaxedLoad32 : relaxedLoad64 != null ? relaxedLoad64
                : relaxedLoad16 != null ? relaxedLoad16 : relaxedLoad8;
        if (relaxedReadWindow == null && window != null) {
            if (isClosed() || !RuleDrivenAccessor.class.getModule().isNativeAccessEnabled()) {
                return null;
            }
            relaxedReadArena = Arena.ofShared();
            relaxedReadWindow = window.reinterpret(relaxedReadArena, null);
        }
        return relaxedReadWindow;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Records a slice of this accessor, closed with it; false if this accessor has closed. */
    private synchronized boolean adopt(RuleDrivenAccessor child) {
        if (closed) {
            return false;
        }
        children.removeIf(r -> r.get() == null);
        children.add(new WeakReference<>(child));
        return true;
    }

    @Override
    public void close() {
        List<RuleDrivenAccessor> kids = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            // The fast windows go first: once any call is refused for the close, every later one is.
            dropWindows();
            closed = true;
            for (WeakReference<RuleDrivenAccessor> r : children) {
                RuleDrivenAccessor k = r.get();
                if (k != null) {
                    kids.add(k);
                }
            }
            children.clear();
        }
        // Every slice made from this accessor closes with it, and theirs with them.
        for (RuleDrivenAccessor k : kids) {
            k.close();
        }
        if (isRoot) {
            bus.close();
        }
    }

    @Override
    public String toString() {
        return "IoAccessor[" + rules.name() + " " + rules.memoryType() + ", 0x" + Long.toHexString(base) + "+" + size + "]";
    }
}
