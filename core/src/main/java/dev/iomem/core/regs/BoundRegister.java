package dev.iomem.core.regs;

import dev.iomem.api.AccessorClosedException;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleDrivenAccessor;

import java.lang.foreign.MemorySegment;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterAccessException;
import dev.iomem.api.regs.RegisterSpec;

/**
 * The general implementation of {@link Register}: a record, so that C2 trusts its final fields and
 * a handle held in a {@code static final} field folds to its constants (offset, width, kind).
 * Array elements and registers without a relaxed-read window are handed out as they are; a single
 * register with one is handed out wrapped in a {@link HiddenClassRegister}, which delegates here.
 */
record BoundRegister(String name, RegisterSpec spec, IoAccessor io, long offset, int bytes, long mask,
                     boolean readable, boolean writable, boolean updatable, AccessKind kind, BoundField[] fields,
                     MemorySegment direct, MemorySegment direct32)
        implements Register {

    /**
     * @param direct the accessor's {@linkplain RuleDrivenAccessor#relaxedReadWindow() relaxed-read
     *               window}, or {@code null}; used only for a readable register whose address is
     *               aligned to its width (bind has checked the width against the accessor's rules),
     *               kept as the register's own slice in {@code direct32} for a 32-bit register and
     *               in {@code direct} for the others
     */
    static BoundRegister of(String name, RegisterSpec spec, IoAccessor io, long offset, MemorySegment direct) {
        AccessKind k = spec.access();
        int bytes = spec.width().bytes();
        // The register's own bytes of the window: read at offset 0, its size is its width, so the
        // JIT's bounds check and the width switch share one load of the slice's length.
        MemorySegment d = direct != null && k.readable() && ((direct.address() + offset) & (bytes - 1)) == 0
                && offset >= 0 && offset <= direct.byteSize() - bytes ? direct.asSlice(offset, bytes) : null;
        BoundField[] fs = new BoundField[spec.fields().size()];
        // The common 32-bit register gets a field of its own, so its read needs no width switch.
        BoundRegister r = new BoundRegister(name, spec, io, offset, bytes, spec.width().mask(),
                k.readable(), k.writable(), k.updatable(), k, fs, bytes == 4 ? null : d, bytes == 4 ? d : null);
        System.arraycopy(BoundField.of(r, r, spec), 0, fs, 0, fs.length);
        return r;
    }

    @Override
    public long read() {
        if (!readable) {
            throw refused("reading");
        }
        return switch (bytes) {
            case 1 -> io.read8(offset) & 0xffL;
            case 2 -> io.read16(offset) & 0xffffL;
            case 4 -> io.read32(offset) & 0xffff_ffffL;
            default -> io.read64(offset);
        };
    }

    @Override
    public long readRelaxed() {
        MemorySegment d32 = direct32; // set only for a readable 32-bit register
        if (d32 != null) {
            try {
                return MappedBus.relaxedLoad32(d32) & 0xffff_ffffL;
            } catch (IllegalStateException closed) {
                throw closedOnRelaxedRead();
            }
        }
        MemorySegment d = direct; // set only for another readable register
        if (d != null) {
            // The accessor's own relaxed fast path, without re-checking what bind checked once.
            try {
                return MappedBus.relaxedLoad(d, 0, (int) d.byteSize());
            } catch (IllegalStateException closed) {
                throw closedOnRelaxedRead();
            }
        }
        return readRelaxedThroughAccessor();
    }

    /** {@return what a relaxed read of the register's window throws once its accessor has closed} */
    AccessorClosedException closedOnRelaxedRead() {
        return new AccessorClosedException("readRelaxed of register " + name, offset, bytes);
    }

    /**
     * {@return the register's own bytes of the accessor's relaxed-read window, or {@code null} if
     * its relaxed reads go through the accessor}
     */
    MemorySegment relaxedWindow() {
        return direct32 != null ? direct32 : direct;
    }

    private long readRelaxedThroughAccessor() {
        if (!readable) {
            throw refused("reading");
        }
        return switch (bytes) {
            case 1 -> io.read8Relaxed(offset) & 0xffL;
            case 2 -> io.read16Relaxed(offset) & 0xffffL;
            case 4 -> io.read32Relaxed(offset) & 0xffff_ffffL;
            default -> io.read64Relaxed(offset);
        };
    }

    @Override
    public void write(long value) {
        checkWrite(value);
        switch (bytes) {
            case 1 -> io.write8(offset, (byte) value);
            case 2 -> io.write16(offset, (short) value);
            case 4 -> io.write32(offset, (int) value);
            default -> io.write64(offset, value);
        }
    }

    @Override
    public void writeRelaxed(long value) {
        checkWrite(value);
        switch (bytes) {
            case 1 -> io.write8Relaxed(offset, (byte) value);
            case 2 -> io.write16Relaxed(offset, (short) value);
            case 4 -> io.write32Relaxed(offset, (int) value);
            default -> io.write64Relaxed(offset, value);
        }
    }

    private void checkWrite(long value) {
        if (!writable) {
            throw refused("writing");
        }
        if ((value & ~mask) != 0) {
            throw new IllegalArgumentException("register " + name + ": value 0x" + Long.toHexString(value)
                    + " does not fit in " + bytes * 8 + " bits");
        }
    }

    @Override
    public long update(long setMask, long bits) {
        if (!updatable) {
            throw refused(kind == AccessKind.READ_TO_CLEAR ? "an implicit read (read-modify-write) of"
                    : "a read-modify-write of");
        }
        if ((bits & ~setMask) != 0 || (setMask & ~mask) != 0) {
            throw new IllegalArgumentException("register " + name + ": bits 0x" + Long.toHexString(bits)
                    + " and mask 0x" + Long.toHexString(setMask) + " must lie inside the mask and the register's "
                    + bytes * 8 + " bits");
        }
        long v = (read() & ~setMask) | bits;
        write(v);
        return v;
    }

    RegisterAccessException refused(String what) {
        String why = switch (kind) {
            case WRITE_ONLY -> "it is write-only";
            case READ_ONLY -> "it is read-only";
            case READ_TO_CLEAR -> "it is read-to-clear: a read clears it, so it is only read explicitly with read()";
            case WRITE_1_TO_CLEAR -> "it is write-1-to-clear: writing back the bits read would clear them; use set()";
            default -> "its access kind is " + kind;
        };
        return new RegisterAccessException(what + " register " + name + " at 0x" + Long.toHexString(offset)
                + " is refused: " + why);
    }

    @Override
    public Field field(String fieldName) {
        return BoundField.named(fields, spec, fieldName);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "Register[" + name + " at 0x" + Long.toHexString(offset) + ", " + bytes * 8 + " bits, " + kind + "]";
    }
}
