package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
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
 * The {@link IoAccessor} of every rule-based backend. Every access is
 * validated against the {@link AccessRules} before any bus traffic ({@link AccessChecks}); ordered
 * accesses get the architecture's four hooks (before and after a read, with the value, before and
 * after a write), relaxed ones too where the rules say relaxed accesses are
 * {@link dev.iomem.api.RelaxedOrdering#ORDERED}; copies and
 * fills run as {@link CopyPlanner} plans them ({@link PlannedCopies}, or the bus's
 * {@link NativeCopyRoutines}).
 *
 * <p>It is split by concern: validation in {@link AccessChecks}, the scalar accesses and their
 * fast path in {@link ScalarFastPath} (this class's superclass, so that a scalar costs the same
 * field loads as before the split), copies and fills as Java loops in {@link PlannedCopies};
 * this class holds the copies' native dispatch, slices and close.
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
public final class RuleDrivenAccessor extends ScalarFastPath {

    private final PlannedCopies copies;
    /** Slices made from this accessor, closed when it closes (weakly held; guarded by this). */
    private final List<WeakReference<RuleDrivenAccessor>> children = new ArrayList<>();
    /**
     * The bus's native copy routines when they issue this window's plan (and the mapping's
     * address is aligned to the copy width, so plans on addresses and on offsets agree, and the
     * algorithm has no fences, which a routine cannot call), else {@code null}.
     */
    private final NativeCopyRoutines nativeCopies;
    private final boolean isRoot;

    /** The window with this accessor's lifetime, made when a register block first asks (guarded by this). */
    private MemorySegment relaxedReadWindow;
    private Arena relaxedReadArena;
    /*
     * For copies and fills with native routines: this accessor's window of the mapping,
     * or null (no routines for these rules, closed, or for writes a read-only window). The
     * routines get the window and the offset; the bounds test stays here, since a downcall checks
     * only that the window's arena is alive and owned by this thread.
     */
    private MemorySegment nativeReads;
    private MemorySegment nativeWrites;

    private RuleDrivenAccessor(IoBus bus, AccessRules rules, Barriers barriers, PlannedCopies copies, long base, long size, boolean isRoot) {
        super(bus, rules, barriers, base, size);
        this.copies = copies;
        this.isRoot = isRoot;
        MemorySegment readable = bus instanceof MappedBus m ? m.segment() : null;
        boolean writable = readable != null && !bus.isReadOnly();
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
        dropScalarWindows();
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
