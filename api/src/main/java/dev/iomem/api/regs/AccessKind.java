package dev.iomem.api.regs;

/**
 * What reading and writing a register does, as a device's data sheet states it. The kind decides
 * which accesses a bound register handle permits and which registers a dump may read.
 */
public enum AccessKind {
    /** Reads return state without side effects; writes are not allowed. */
    READ_ONLY(true, false, true),
    /** Writes have an effect; reads are not allowed (the device may return garbage or act on them). */
    WRITE_ONLY(false, true, false),
    /** Reads return state without side effects; writes set it. */
    READ_WRITE(true, true, true),
    /** A read returns state and clears it (regmap's "precious" registers): never read implicitly. */
    READ_TO_CLEAR(true, true, false),
    /**
     * Reads return state without side effects; writing a 1 to a bit clears it and writing a 0
     * leaves it alone, so a read-modify-write would clear every bit that was read as 1.
     */
    WRITE_1_TO_CLEAR(true, true, true);

    private final boolean readable;
    private final boolean writable;
    private final boolean sideEffectFreeRead;

    AccessKind(boolean readable, boolean writable, boolean sideEffectFreeRead) {
        this.readable = readable;
        this.writable = writable;
        this.sideEffectFreeRead = sideEffectFreeRead;
    }

    /** {@return whether an explicit read is allowed (every kind but {@link #WRITE_ONLY})} */
    public boolean readable() {
        return readable;
    }

    /** {@return whether a write is allowed (every kind but {@link #READ_ONLY})} */
    public boolean writable() {
        return writable;
    }

    /**
     * {@return whether a read has no side effect, so that a dump may read the register}
     * ({@link #READ_ONLY}, {@link #READ_WRITE} and {@link #WRITE_1_TO_CLEAR})
     */
    public boolean readableWithoutSideEffects() {
        return sideEffectFreeRead;
    }

    /**
     * {@return whether a read-modify-write (one read, then one write of the merged value) is
     * allowed} Only {@link #READ_WRITE}: a write-only register cannot be read, a read-to-clear
     * register must not be read implicitly, a write-1-to-clear register would lose every pending
     * bit, and a read-only register cannot be written.
     */
    public boolean updatable() {
        return this == READ_WRITE;
    }
}
