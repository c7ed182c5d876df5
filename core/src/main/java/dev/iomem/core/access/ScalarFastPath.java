package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The scalar half of {@link RuleDrivenAccessor}: the sixteen scalar accesses and
 * {@code read}/{@code write} by width, each a fast path over this window of a {@link MappedBus}
 * and a slow path that checks every rule first ({@link AccessChecks}) and then calls the hooks
 * and the bus. The scalar paths allocate nothing. Slices, copies and close are the subclass's.
 */
abstract sealed class ScalarFastPath implements IoAccessor permits RuleDrivenAccessor {

    // The names of read(offset, width) and write(...) for messages, made once rather than per call.
    private static final String[] READ_NAMES = {"read8", "read16", "read32", "read64"};
    private static final String[] WRITE_NAMES = {"write8", "write16", "write32", "write64"};

    final IoBus bus;
    final AccessRules rules;
    final Barriers barriers;
    final AccessChecks checks;
    final long base;
    final long size;
    /** Whether relaxed accesses call the hooks ({@link RelaxedOrdering#ORDERED}); read on slow paths only. */
    private final boolean relaxedOrdered;
    volatile boolean closed;

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
    MemorySegment load8, load16, load32, load64;
    MemorySegment store8, store16, store32, store64;
    MemorySegment relaxedLoad8, relaxedLoad16, relaxedLoad32, relaxedLoad64;
    MemorySegment relaxedStore8, relaxedStore16, relaxedStore32, relaxedStore64;

    ScalarFastPath(IoBus bus, AccessRules rules, Barriers barriers, long base, long size) {
        this.bus = bus;
        this.rules = rules;
        this.barriers = barriers;
        this.base = base;
        this.size = size;
        this.checks = new AccessChecks(rules, base, size, bus.isReadOnly());
        this.relaxedOrdered = rules.relaxedOrdering() == RelaxedOrdering.ORDERED;
        MemorySegment readable = bus instanceof MappedBus m ? m.segment() : null;
        if (readable != null && rules.boundary() == 0) {
            MemorySegment window = readable.asSlice(base, size);
            load8 = rules.allows(Width.BYTE) ? window : null;
            load16 = rules.allows(Width.SHORT) ? window : null;
            load32 = rules.allows(Width.INT) ? window : null;
            load64 = rules.allows(Width.LONG) ? window : null;
            if (!bus.isReadOnly()) {
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
    }

    /** Sends every later scalar to the slow path, which checks the closed flag first. */
    final void dropScalarWindows() {
        load8 = load16 = load32 = load64 = null;
        store8 = store16 = store32 = store64 = null;
        relaxedLoad8 = relaxedLoad16 = relaxedLoad32 = relaxedLoad64 = null;
        relaxedStore8 = relaxedStore16 = relaxedStore32 = relaxedStore64 = null;
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
}
