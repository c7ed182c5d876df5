package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.ReadOnlyWindowException;
import dev.iomem.api.CopyStyle;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link IoAccessor} of every rule-based backend: validates each access against the
 * {@link AccessRules} before any bus traffic, adds the architecture's barriers to ordered
 * accesses, and runs copies and fills as {@link CopyPlanner} plans them.
 *
 * <p>Each instance is a window {@code [base, base + size)} of one bus; slices share the bus, and
 * closing an accessor closes every slice made from it, and theirs. The scalar paths allocate
 * nothing.
 *
 * <p>Over a {@link MappedBus}, a scalar of an allowed width goes straight to this accessor's
 * slice of the mapping, whose FFM checks (bounds, the mapping arena's liveness) are part of the
 * validation, and whose failures are translated into the exceptions below; everything else takes
 * the slow path, which checks every rule first. Copies and fills go to the bus's
 * {@link NativeCopyRoutines} when those issue exactly this window's plan, else to a Java loop of
 * the plan. Either way nothing reaches the device before every check has passed.
 *
 * <p>A write (scalar, copy or fill) through a window mapped read-only (a bus whose
 * {@link IoBus#isReadOnly()} is true, as for {@code iomem peek}'s mapping) is refused with an
 * {@link IllegalStateException} after the checks above and before any barrier or bus call.
 */
public final class RuleDrivenAccessor implements IoAccessor {

    // RAM side of copies: any alignment, device byte order (PCI is little-endian).
    private static final ValueLayout.OfShort RAM_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt RAM_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong RAM_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // The names of read(offset, width) and write(...) for messages, made once rather than per call.
    private static final String[] READ_NAMES = {"read8", "read16", "read32", "read64"};
    private static final String[] WRITE_NAMES = {"write8", "write16", "write32", "write64"};

    private final IoBus bus;
    private final AccessRules rules;
    private final Barriers barriers;
    /** Slices made from this accessor, closed when it closes (weakly held; guarded by this). */
    private final List<WeakReference<RuleDrivenAccessor>> children = new ArrayList<>();
    private final long base;
    private final long size;
    private final int copyWidth;
    private final boolean block;
    private final boolean aligned;
    private final long boundary;
    /**
     * The bus's native copy routines when they issue this window's plan (and the mapping's
     * address is aligned to the copy width, so plans on addresses and on offsets agree), else
     * {@code null}: copies and fills then run as Java loops.
     */
    private final NativeCopyRoutines nativeCopies;
    private final boolean isRoot;
    /** Bit {@code 1 << width.ordinal()} set for each allowed width: no Set lookup per access. */
    private final int allowedWidths;
    /** All ones if natural alignment is required, else 0. */
    private final long alignMask;
    /** {@code -boundary}, or 0 if there is no boundary: an access crosses iff its ends differ under it. */
    private final long crossMask;
    /**
     * The mapping when the bus is a writable {@link MappedBus}: scalars then reach it in one
     * load, through MappedBus's static fixed-width paths (same accesses, no Width switch).
     */
    private final MemorySegment mapped;
    /** The mapping when the bus is any {@link MappedBus}, for reads. */
    private final MemorySegment mappedForReads;
    /**
     * Whether the bus says its window is read-only: writes are then refused before their barrier
     * or any bus call (only the slow path needs the test: {@link #mapped} is null then).
     */
    private final boolean readOnly;
    private volatile boolean closed;

    /*
     * The scalar fast path over a MappedBus: per width, this accessor's window of the mapping
     * (a slice [base, base + size)), or null when that width must take the validating slow path
     * (width denied, a boundary rule, another bus, a read-only window for stores, or closed).
     * The window carries every check a relaxed scalar needs, done by FFM as part of the access
     * and before it: bounds (the window's size), liveness of the mapping's arena, and (with the
     * aligned layouts) alignment, which is also tested first, so a misaligned access goes to the
     * slow path (and from there to the bus's native scalar routines, if it has them). What FFM
     * throws is translated into iomem's exception by refused(). This saves the accessor's own
     * field loads per access (bench B1): the fields are reloaded on every access because the
     * accesses (opaque, or fenced plain accesses on x86-64 hosts) are compiler barriers.
     *
     * Plain fields, dropped (set to null) on close: a thread racing a close may complete one
     * more access, which the contract allows ("completes or throws"); the mapping stays valid
     * until its owner closes the arena, and FFM checks that arena on every access. Any thread
     * that synchronizes with the closing thread sees null and takes the slow path, which throws
     * AccessorClosedException.
     */
    private MemorySegment load8;
    private MemorySegment load16;
    private MemorySegment load32;
    /** The window with this accessor's lifetime, made when a register block first asks (guarded by this). */
    private MemorySegment relaxedReadWindow;
    private Arena relaxedReadArena;
    private MemorySegment load64;
    private MemorySegment store8;
    private MemorySegment store16;
    private MemorySegment store32;
    private MemorySegment store64;
    /*
     * The same for copies and fills with native routines: this accessor's window of the mapping,
     * or null (no routines for these rules, closed, or for writes a read-only window). The
     * routines get the window and the offset; the bounds test stays here, since a downcall checks
     * only that the window's arena is alive and owned by this thread.
     */
    private MemorySegment nativeReads;
    private MemorySegment nativeWrites;

    private RuleDrivenAccessor(IoBus bus, AccessRules rules, Barriers barriers, long base, long size, boolean isRoot) {
        this.bus = bus;
        this.rules = rules;
        this.barriers = barriers;
        this.base = base;
        this.size = size;
        this.copyWidth = rules.maxCopyWidth().bytes();
        this.block = rules.copyStyle() == CopyStyle.BLOCK_CHUNKS;
        this.aligned = rules.naturalAlignment();
        this.boundary = rules.boundary();
        this.isRoot = isRoot;
        int mask = 0;
        for (Width w : rules.scalarWidths()) {
            mask |= 1 << w.ordinal();
        }
        this.allowedWidths = mask;
        this.alignMask = aligned ? -1L : 0L;
        this.crossMask = boundary == 0 ? 0L : -boundary;
        this.mappedForReads = bus instanceof MappedBus m ? m.segment() : null;
        this.mapped = bus instanceof MappedBus m && !m.isReadOnly() ? m.segment() : null;
        this.readOnly = bus.isReadOnly();
        if (mappedForReads != null && boundary == 0) {
            MemorySegment window = mappedForReads.asSlice(base, size);
            this.load8 = rules.allows(Width.BYTE) ? window : null;
            this.load16 = rules.allows(Width.SHORT) ? window : null;
            this.load32 = rules.allows(Width.INT) ? window : null;
            this.load64 = rules.allows(Width.LONG) ? window : null;
            if (mapped != null) {
                this.store8 = load8;
                this.store16 = load16;
                this.store32 = load32;
                this.store64 = load64;
            }
        }
        this.nativeCopies = bus instanceof MappedBus m && m.routines() != null && m.routines().issuesPlanOf(rules)
                && (m.segment().address() & (copyWidth - 1)) == 0 ? m.routines() : null;
        if (nativeCopies != null) {
            this.nativeReads = mappedForReads.asSlice(base, size);
            this.nativeWrites = mapped != null ? nativeReads : null;
        }
    }

    /**
     * Creates an accessor of a whole bus.
     *
     * @param bus      the bus
     * @param rules    the rules to enforce
     * @param barriers the barriers of ordered accesses
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
        return new RuleDrivenAccessor(bus, rules, barriers, 0, bus.size(), true);
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

    // ---- validation: everything is checked before the bus sees anything ----

    private void checkOpen(String what, long offset, long length) {
        if (closed) {
            throw new AccessorClosedException(what, offset, length);
        }
    }

    /**
     * Checks a scalar access of {@code n} bytes and returns its bus offset. One branch on the
     * fast path; {@link #refusal} works out which rule was broken.
     */
    private long scalar(long offset, Width w, String what) {
        int n = w.bytes();
        int widthBit = 1 << w.ordinal();
        long at = base + offset;
        // One sign test for every rule: each term is negative exactly when its rule is broken
        // (out of range; width denied; misaligned, as -(low bits); boundary crossed). The range
        // takes three terms: (size - n) - offset overflows to a positive value when the window is
        // smaller than the access and the offset huge, so a window smaller than the access is a
        // term of its own, and the subtraction is only trusted when both sides are non-negative.
        long room = size - n;
        long bad = offset | room | (room - offset)
                | ((long) (allowedWidths & widthBit) - 1)
                | -(at & alignMask & (n - 1))
                | -((at ^ (at + n - 1)) & crossMask);
        if (bad < 0 || closed) {
            throw refusal(offset, w, what);
        }
        return at;
    }

    private RuntimeException refusal(long offset, Width w, String what) {
        int n = w.bytes();
        if (isClosed()) {
            return new AccessorClosedException(what, offset, n);
        }
        if (offset < 0 || offset > size - n) {
            return new OutOfBoundsAccessException(what, offset, n, size);
        }
        if (!rules.allows(w)) {
            return new WidthNotAllowedException(rules.name() + " " + rules.memoryType() + describeQuirks(), offset, w);
        }
        long at = base + offset;
        if (aligned && (at & (n - 1)) != 0) {
            return new MisalignedAccessException(rules.name(), offset, w);
        }
        return new BoundaryCrossingException(rules.name() + " " + rules.memoryType(), boundary, offset, w);
    }

    private String describeQuirks() {
        return rules.quirks().isEmpty() ? "" : " (quirks: " + rules.quirks() + ")";
    }

    private long range(long offset, long length, String what) {
        checkOpen(what, offset, length);
        if (length < 0 || offset < 0 || offset > size - length) {
            throw new OutOfBoundsAccessException(what, offset, length, size);
        }
        return base + offset;
    }

    private void writable(String what, long offset, long length) {
        if (readOnly) {
            throw new ReadOnlyWindowException(what, offset, length);
        }
    }

    // ---- scalars ----
    //
    // Fast path: the width's window (see the fields), tested for alignment on the device
    // address, then one access of the aligned layout (MappedBus.aligned*) whose FFM checks are
    // the remaining validation. Slow path: every check first (scalar()), then the bus's access;
    // it also serves unaligned accesses where the rules allow them (a MappedBus sends them to its
    // native scalar routines), other buses, denied widths and closed accessors.

    /**
     * Turns what FFM threw from a fast-path access (out of the window, the mapping's arena closed)
     * into iomem's exception for the first rule the access broke; anything else is rethrown.
     */
    private RuntimeException refused(RuntimeException e, long offset, Width w, String what) {
        if (isClosed() || offset < 0 || offset > size - w.bytes()) {
            return refusal(offset, w, what);
        }
        return e;
    }

    private long slowLoad(long offset, Width w, String what) {
        long at = scalar(offset, w, what);
        // Through the bus, not its static paths: an unaligned scalar (here for any width) goes
        // to a MappedBus's native scalar routines when it has them.
        return bus.load(at, w);
    }

    private void slowStore(long offset, Width w, long value, String what, boolean ordered) {
        long at = scalar(offset, w, what);
        writable(what, offset, w.bytes());
        if (ordered) {
            barriers.beforeOrderedWrite();
        }
        bus.store(at, w, value & w.mask());
    }

    @Override
    public byte read8(long offset) {
        MemorySegment m = load8;
        byte v;
        if (m != null) {
            try {
                v = MappedBus.aligned8(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "read8");
            }
        } else {
            v = (byte) slowLoad(offset, Width.BYTE, "read8");
        }
        barriers.afterOrderedRead();
        return v;
    }

    @Override
    public byte read8Relaxed(long offset) {
        MemorySegment m = load8;
        byte v;
        if (m != null) {
            try {
                v = MappedBus.aligned8(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "read8Relaxed");
            }
        } else {
            v = (byte) slowLoad(offset, Width.BYTE, "read8Relaxed");
        }
        return v;
    }

    @Override
    public short read16(long offset) {
        MemorySegment m = load16;
        short v;
        if (m != null && ((m.address() + offset) & 1) == 0) {
            try {
                v = MappedBus.aligned16(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "read16");
            }
        } else {
            v = (short) slowLoad(offset, Width.SHORT, "read16");
        }
        barriers.afterOrderedRead();
        return v;
    }

    @Override
    public short read16Relaxed(long offset) {
        MemorySegment m = load16;
        short v;
        if (m != null && ((m.address() + offset) & 1) == 0) {
            try {
                v = MappedBus.aligned16(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "read16Relaxed");
            }
        } else {
            v = (short) slowLoad(offset, Width.SHORT, "read16Relaxed");
        }
        return v;
    }

    @Override
    public int read32(long offset) {
        MemorySegment m = load32;
        int v;
        if (m != null && ((m.address() + offset) & 3) == 0) {
            try {
                v = MappedBus.aligned32(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "read32");
            }
        } else {
            v = (int) slowLoad(offset, Width.INT, "read32");
        }
        barriers.afterOrderedRead();
        return v;
    }

    @Override
    public int read32Relaxed(long offset) {
        MemorySegment m = load32;
        int v;
        if (m != null && ((m.address() + offset) & 3) == 0) {
            try {
                v = MappedBus.aligned32(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "read32Relaxed");
            }
        } else {
            v = (int) slowLoad(offset, Width.INT, "read32Relaxed");
        }
        return v;
    }

    @Override
    public long read64(long offset) {
        MemorySegment m = load64;
        long v;
        if (m != null && ((m.address() + offset) & 7) == 0) {
            try {
                v = MappedBus.aligned64(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "read64");
            }
        } else {
            v = slowLoad(offset, Width.LONG, "read64");
        }
        barriers.afterOrderedRead();
        return v;
    }

    @Override
    public long read64Relaxed(long offset) {
        MemorySegment m = load64;
        long v;
        if (m != null && ((m.address() + offset) & 7) == 0) {
            try {
                v = MappedBus.aligned64(m, offset);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "read64Relaxed");
            }
        } else {
            v = slowLoad(offset, Width.LONG, "read64Relaxed");
        }
        return v;
    }

    @Override
    public void write8(long offset, byte value) {
        MemorySegment m = store8;
        // The barrier must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && offset >= 0 && offset <= m.byteSize() - 1) {
            barriers.beforeOrderedWrite();
            try {
                MappedBus.aligned8(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "write8");
            }
        } else {
            slowStore(offset, Width.BYTE, value & 0xffL, "write8", true);
        }
    }

    @Override
    public void write8Relaxed(long offset, byte value) {
        MemorySegment m = store8;
        if (m != null) {
            try {
                MappedBus.aligned8(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.BYTE, "write8Relaxed");
            }
        } else {
            slowStore(offset, Width.BYTE, value & 0xffL, "write8Relaxed", false);
        }
    }

    @Override
    public void write16(long offset, short value) {
        MemorySegment m = store16;
        // The barrier must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 1) == 0 && offset >= 0 && offset <= m.byteSize() - 2) {
            barriers.beforeOrderedWrite();
            try {
                MappedBus.aligned16(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "write16");
            }
        } else {
            slowStore(offset, Width.SHORT, value & 0xffffL, "write16", true);
        }
    }

    @Override
    public void write16Relaxed(long offset, short value) {
        MemorySegment m = store16;
        if (m != null && ((m.address() + offset) & 1) == 0) {
            try {
                MappedBus.aligned16(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.SHORT, "write16Relaxed");
            }
        } else {
            slowStore(offset, Width.SHORT, value & 0xffffL, "write16Relaxed", false);
        }
    }

    @Override
    public void write32(long offset, int value) {
        MemorySegment m = store32;
        // The barrier must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 3) == 0 && offset >= 0 && offset <= m.byteSize() - 4) {
            barriers.beforeOrderedWrite();
            try {
                MappedBus.aligned32(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "write32");
            }
        } else {
            slowStore(offset, Width.INT, value & 0xffff_ffffL, "write32", true);
        }
    }

    @Override
    public void write32Relaxed(long offset, int value) {
        MemorySegment m = store32;
        if (m != null && ((m.address() + offset) & 3) == 0) {
            try {
                MappedBus.aligned32(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.INT, "write32Relaxed");
            }
        } else {
            slowStore(offset, Width.INT, value & 0xffff_ffffL, "write32Relaxed", false);
        }
    }

    @Override
    public void write64(long offset, long value) {
        MemorySegment m = store64;
        // The barrier must not run for a refused write, so the window's bounds are tested here
        // rather than left to FFM.
        if (m != null && ((m.address() + offset) & 7) == 0 && offset >= 0 && offset <= m.byteSize() - 8) {
            barriers.beforeOrderedWrite();
            try {
                MappedBus.aligned64(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "write64");
            }
        } else {
            slowStore(offset, Width.LONG, value, "write64", true);
        }
    }

    @Override
    public void write64Relaxed(long offset, long value) {
        MemorySegment m = store64;
        if (m != null && ((m.address() + offset) & 7) == 0) {
            try {
                MappedBus.aligned64(m, offset, value);
            } catch (RuntimeException e) {
                throw refused(e, offset, Width.LONG, "write64Relaxed");
            }
        } else {
            slowStore(offset, Width.LONG, value, "write64Relaxed", false);
        }
    }

    @Override
    public long read(long offset, Width width) {
        Objects.requireNonNull(width, "width");
        long v = bus.load(scalar(offset, width, READ_NAMES[width.ordinal()]), width);
        barriers.afterOrderedRead();
        return v & width.mask();
    }

    @Override
    public void write(long offset, Width width, long value) {
        Objects.requireNonNull(width, "width");
        String what = WRITE_NAMES[width.ordinal()];
        long at = scalar(offset, width, what);
        writable(what, offset, width.bytes());
        barriers.beforeOrderedWrite();
        bus.store(at, width, value & width.mask());
    }

    // ---- copies and fills ----

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
        javaCopyToIo(src, ioOffset, len);
    }

    // Kept out of the public method so that the native path above stays small enough for the
    // JIT to inline into the caller: the validation and the Java loop of the plan.
    private void javaCopyToIo(MemorySegment src, long ioOffset, long len) {
        long at = range(ioOffset, len, "copyToIo");
        writable("copyToIo", ioOffset, len);
        usable(src, len);
        if (block) {
            blockCopyToIo(src, at, len);
            return;
        }
        long raw = 0;
        int w = copyWidth;
        while (raw < len) {
            int n = CopyPlanner.nextAccess(rules, at + raw, len - raw, true);
            if (n == w) {
                // The body: full-width accesses while the device side stays aligned.
                long bodyEnd = raw + ((len - raw) & -(long) w);
                MemorySegment m = mapped;
                if (m != null && w == 4) {
                    // Same accesses as through the bus, without the interface call and Width
                    // switch per element (MappedBus's fixed-width path).
                    for (; raw < bodyEnd; raw += 4) MappedBus.store32(m, at + raw, src.get(RAM_INT, raw));
                    continue;
                }
                if (m != null && w == 8) {
                    for (; raw < bodyEnd; raw += 8) MappedBus.store64(m, at + raw, src.get(RAM_LONG, raw));
                    continue;
                }
                switch (w) {
                    case 8 -> { for (; raw < bodyEnd; raw += 8) bus.store(at + raw, Width.LONG, src.get(RAM_LONG, raw)); }
                    case 4 -> { for (; raw < bodyEnd; raw += 4) bus.store(at + raw, Width.INT, src.get(RAM_INT, raw) & 0xffff_ffffL); }
                    default -> { bus.store(at + raw, Width.ofBytes(n), ram(src, raw, n)); raw += n; }
                }
                continue;
            }
            bus.store(at + raw, Width.ofBytes(n), ram(src, raw, n));
            raw += n;
        }
    }

    private void blockCopyToIo(MemorySegment src, long at, long len) {
        long raw = 0;
        while (raw < len) {
            int n = CopyPlanner.nextAccess(rules, at + raw, len - raw, true);
            if (CopyPlanner.isBlock(rules, n)) {
                bus.storeBlock(at + raw, src.asSlice(raw, n));
            } else {
                bus.store(at + raw, Width.ofBytes(n), ram(src, raw, n));
            }
            raw += n;
        }
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
        javaCopyFromIo(ioOffset, dst, len);
    }

    // Kept out of the public method so that the native path above stays small enough for the
    // JIT to inline into the caller: the validation and the Java loop of the plan.
    private void javaCopyFromIo(long ioOffset, MemorySegment dst, long len) {
        long at = range(ioOffset, len, "copyFromIo");
        usable(dst, len);
        long raw = 0;
        int w = copyWidth;
        while (raw < len) {
            int n = CopyPlanner.nextAccess(rules, at + raw, len - raw, false);
            if (n == w && !block) {
                long bodyEnd = raw + ((len - raw) & -(long) w);
                MemorySegment m = mappedForReads;
                if (m != null && w == 4) {
                    for (; raw < bodyEnd; raw += 4) dst.set(RAM_INT, raw, MappedBus.load32(m, at + raw));
                    continue;
                }
                if (m != null && w == 8) {
                    for (; raw < bodyEnd; raw += 8) dst.set(RAM_LONG, raw, MappedBus.load64(m, at + raw));
                    continue;
                }
                switch (w) {
                    case 8 -> { for (; raw < bodyEnd; raw += 8) dst.set(RAM_LONG, raw, bus.load(at + raw, Width.LONG)); }
                    case 4 -> { for (; raw < bodyEnd; raw += 4) dst.set(RAM_INT, raw, (int) bus.load(at + raw, Width.INT)); }
                    default -> { putRam(dst, raw, n, bus.load(at + raw, Width.ofBytes(n))); raw += n; }
                }
                continue;
            }
            putRam(dst, raw, n, bus.load(at + raw, Width.ofBytes(n)));
            raw += n;
        }
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
        javaFillIo(ioOffset, length, value);
    }

    // Kept out of the public method so that the native path above stays small enough for the
    // JIT to inline into the caller: the validation and the Java loop of the plan.
    private void javaFillIo(long ioOffset, long length, byte value) {
        long at = range(ioOffset, length, "fillIo");
        writable("fillIo", ioOffset, length);
        long pattern = (value & 0xffL) * 0x0101_0101_0101_0101L;
        if (block) {
            // s390x zpci_memset_io: fill a buffer, then copy it with the same plan as a copy.
            try (Arena arena = Arena.ofConfined()) {
                int chunk = rules.blockStore().map(b -> b.maxBytes()).orElse(copyWidth);
                // At least one long: without a block store (a quirk) the chunk is the copy width.
                MemorySegment buf = arena.allocate(Math.max(chunk, 8), 8);
                for (long i = 0; i < buf.byteSize(); i += 8) {
                    buf.set(RAM_LONG, i, pattern);
                }
                long raw = 0;
                while (raw < length) {
                    int n = CopyPlanner.nextAccess(rules, at + raw, length - raw, true);
                    if (CopyPlanner.isBlock(rules, n)) {
                        bus.storeBlock(at + raw, buf.asSlice(0, n));
                    } else {
                        bus.store(at + raw, Width.ofBytes(n), pattern & Width.ofBytes(n).mask());
                    }
                    raw += n;
                }
            }
            return;
        }
        long raw = 0;
        int w = copyWidth;
        while (raw < length) {
            int n = CopyPlanner.nextAccess(rules, at + raw, length - raw, true);
            Width width = Width.ofBytes(n);
            if (n == w) {
                long bodyEnd = raw + ((length - raw) & -(long) w);
                long v = pattern & width.mask();
                MemorySegment m = mapped;
                if (m != null && n == 4) {
                    for (; raw < bodyEnd; raw += 4) MappedBus.store32(m, at + raw, (int) v);
                    continue;
                }
                if (m != null && n == 8) {
                    for (; raw < bodyEnd; raw += 8) MappedBus.store64(m, at + raw, v);
                    continue;
                }
                for (; raw < bodyEnd; raw += n) {
                    bus.store(at + raw, width, v);
                }
                continue;
            }
            bus.store(at + raw, width, pattern & width.mask());
            raw += n;
        }
    }

    /**
     * Touches the RAM side of a copy once before any bus traffic, so that a segment whose arena
     * is closed ({@link IllegalStateException}) or that is confined to another thread
     * ({@link WrongThreadException}) fails before a device access rather than after one (a read
     * of a read-to-clear register would otherwise be lost).
     */
    private static void usable(MemorySegment ram, long len) {
        if (len > 0) {
            ram.get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    private static long ram(MemorySegment src, long raw, int n) {
        return switch (n) {
            case 1 -> src.get(ValueLayout.JAVA_BYTE, raw) & 0xffL;
            case 2 -> src.get(RAM_SHORT, raw) & 0xffffL;
            case 4 -> src.get(RAM_INT, raw) & 0xffff_ffffL;
            case 8 -> src.get(RAM_LONG, raw);
            default -> throw new IllegalStateException("no scalar of " + n + " bytes");
        };
    }

    private static void putRam(MemorySegment dst, long raw, int n, long v) {
        switch (n) {
            case 1 -> dst.set(ValueLayout.JAVA_BYTE, raw, (byte) v);
            case 2 -> dst.set(RAM_SHORT, raw, (short) v);
            case 4 -> dst.set(RAM_INT, raw, (int) v);
            case 8 -> dst.set(RAM_LONG, raw, v);
            default -> throw new IllegalStateException("no scalar of " + n + " bytes");
        }
    }

    // ---- flush, slices, close ----

    @Override
    public void flushWrites() {
        checkOpen("flushWrites", 0, 0);
        barriers.flushWrites();
    }

    @Override
    public IoAccessor slice(long offset, long size) {
        long at = range(offset, size, "slice");
        RuleDrivenAccessor slice = new RuleDrivenAccessor(bus, rules, barriers, at, size, false);
        if (!adopt(slice)) {
            // This accessor closed after range() checked it: the slice is born closed.
            slice.closed = true;
            slice.dropWindows();
        }
        return slice;
    }

    /** Sends every later scalar to the slow path, which checks the closed flags first. */
    private void dropWindows() {
        load8 = load16 = load32 = load64 = null;
        store8 = store16 = store32 = store64 = null;
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
     * (or an accessor it was sliced from does), for register handles' relaxed reads; {@code null} where a relaxed read
     * here is not one plain access of a mapped window (a bus other than {@link MappedBus}, a
     * boundary rule), where this accessor is closed, or where {@code dev.iomem.core} has no native
     * access}
     * A handle reads it with {@link MappedBus#relaxedLoad}, which is exactly what this accessor's
     * own relaxed fast path does, at an offset it has checked against the window and the rules at
     * bind time; a read after the close fails the segment's liveness check with an
     * {@link IllegalStateException} and never reaches the device.
     */
    @SuppressWarnings("restricted") // the same memory, given a lifetime of its own
    public synchronized MemorySegment relaxedReadWindow() {
        MemorySegment window = load32 != null ? load32 : load64 != null ? load64 : load16 != null ? load16 : load8;
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
