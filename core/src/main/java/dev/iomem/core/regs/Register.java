package dev.iomem.core.regs;

import dev.iomem.api.IoAccessException;
import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterAccessException;
import dev.iomem.api.regs.RegisterSpec;

/**
 * A handle to one register of a bound {@link RegisterBlock}. Every access has exactly the
 * register's declared width and is one device transaction (an update is two: one read, one
 * write). Values are zero-extended into a {@code long}. A handle is immutable and allocation-free
 * per access; keep it in a {@code static final} or {@code final} field.
 *
 * <p>A single register of a window with a relaxed-read fast path (a mapped BAR) is the only
 * instance of a class of its own, so a call site that reads one register knows its window as a
 * constant and {@link #readRelaxed()} costs no more than a raw {@code VarHandle} read, even
 * through an instance field. A call site that sees many registers (a helper that takes a
 * {@code Register}) pays an interface dispatch per access instead; array elements share one class.
 *
 * <p>Every method refuses, with a {@link RegisterAccessException} and before any device
 * transaction, an access the register's {@link AccessKind} forbids. Failures of the window itself
 * (closed accessor, device fault) are the {@link IoAccessException}s of the underlying accessor.
 */
public sealed interface Register permits BoundRegister, HiddenClassRegister {

    /** {@return the register's name; for an element of an array, {@code NAME[index]}} */
    String name();

    /** {@return the declaration of the register (of its array, for an element)} */
    RegisterSpec spec();

    /** {@return the register's byte offset in the bound window} */
    long offset();

    /**
     * Reads the register, ordered ({@code readl} and friends).
     *
     * @return the register's value, zero-extended
     * @throws RegisterAccessException if the register is {@link AccessKind#WRITE_ONLY}
     * @throws IoAccessException       if the underlying accessor refuses or fails the read
     */
    long read();

    /**
     * Reads the register without barriers ({@code readl_relaxed} and friends).
     *
     * @return the register's value, zero-extended
     * @throws RegisterAccessException if the register is {@link AccessKind#WRITE_ONLY}
     * @throws IoAccessException       if the underlying accessor refuses or fails the read
     */
    long readRelaxed();

    /**
     * Writes the register, ordered ({@code writel} and friends).
     *
     * @param value the value; only the register's low bits may be set
     * @throws RegisterAccessException  if the register is {@link AccessKind#READ_ONLY}
     * @throws IllegalArgumentException if {@code value} has a bit set above the register's width
     * @throws IoAccessException        if the underlying accessor refuses or fails the write
     */
    void write(long value);

    /**
     * Writes the register without barriers ({@code writel_relaxed} and friends).
     *
     * @param value the value; only the register's low bits may be set
     * @throws RegisterAccessException  if the register is {@link AccessKind#READ_ONLY}
     * @throws IllegalArgumentException if {@code value} has a bit set above the register's width
     * @throws IoAccessException        if the underlying accessor refuses or fails the write
     */
    void writeRelaxed(long value);

    /**
     * Read-modify-write: exactly one ordered read and one ordered write of
     * {@code (old & ~mask) | bits}. Not atomic with respect to other threads or the device.
     *
     * @param mask the bits to replace
     * @param bits their new values; no bit outside {@code mask} may be set
     * @return the value written
     * @throws RegisterAccessException  if the register is not {@link AccessKind#READ_WRITE} (a
     *                                  write-only register cannot be read, a read-to-clear register
     *                                  is never read implicitly, a write-1-to-clear register would
     *                                  lose its pending bits, a read-only one cannot be written)
     * @throws IllegalArgumentException if {@code bits} has a bit outside {@code mask}, or
     *                                  {@code mask} a bit above the register's width
     * @throws IoAccessException        if the underlying accessor refuses or fails an access
     */
    long update(long mask, long bits);

    /**
     * {@return a handle to the field called {@code fieldName}}
     *
     * @param fieldName the field's name
     * @throws IllegalArgumentException if the register has no such field
     */
    Field field(String fieldName);
}
