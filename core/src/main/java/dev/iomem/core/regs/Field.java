package dev.iomem.core.regs;

import dev.iomem.api.IoAccessException;
import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.FieldSpec;
import dev.iomem.api.regs.RegisterAccessException;

/**
 * A handle to one named bit field of a bound {@link Register}. Immutable and allocation-free per
 * access. All accesses are ordered.
 */
public sealed interface Field permits BoundField {

    /** {@return the field's declaration} */
    FieldSpec spec();

    /** {@return the register the field belongs to} */
    Register register();

    /**
     * Reads the register once and returns this field's value.
     *
     * @return the field's value, in its low bits
     * @throws RegisterAccessException if the register is {@link AccessKind#WRITE_ONLY}
     * @throws IoAccessException       if the underlying accessor refuses or fails the read
     */
    long get();

    /**
     * Writes the register once with this field set to {@code value} and every other bit zero,
     * without reading it: the way to write a field of a write-only register or to clear bits of a
     * write-1-to-clear register. Use {@link #update(long)} to keep the other fields.
     *
     * @param value the field's value
     * @throws RegisterAccessException  if the register is {@link AccessKind#READ_ONLY}
     * @throws IllegalArgumentException if {@code value} does not fit in the field
     * @throws IoAccessException        if the underlying accessor refuses or fails the write
     */
    void set(long value);

    /**
     * Replaces this field and keeps the others: exactly one ordered read and one ordered write.
     *
     * @param value the field's value
     * @throws RegisterAccessException  if the register is not {@link AccessKind#READ_WRITE} (see
     *                                  {@link Register#update(long, long)})
     * @throws IllegalArgumentException if {@code value} does not fit in the field
     * @throws IoAccessException        if the underlying accessor refuses or fails an access
     */
    void update(long value);

    /**
     * {@return this field's value in a register value already read}
     *
     * @param registerValue the register's value
     */
    long decode(long registerValue);
}
