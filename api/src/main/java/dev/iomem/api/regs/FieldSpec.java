package dev.iomem.api.regs;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One named bit field of a register: {@code width} bits starting at bit {@code lsb}, optionally
 * with names for its values. Created by {@link RegisterLayout.Fields}; validated against its
 * register there.
 *
 * @param name       the field's name, unique within its register
 * @param lsb        the least significant bit, from 0
 * @param width      the number of bits, 1 to 64
 * @param valueNames names of particular values (for example {@code 1 -> "normal"}), possibly empty;
 *                   an unmodifiable map ordered by value
 */
public record FieldSpec(String name, int lsb, int width, Map<Long, String> valueNames) {

    /**
     * Checks and copies the components.
     *
     * @throws NullPointerException  if {@code name} or {@code valueNames} is {@code null}
     * @throws InvalidLayoutException if {@code name} is blank, {@code lsb < 0}, {@code width} is not
     *                                1 to 64, {@code lsb + width > 64}, or a named value does not
     *                                fit in {@code width} bits
     */
    public FieldSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueNames, "valueNames");
        if (name.isBlank()) {
            throw new InvalidLayoutException("a field needs a name");
        }
        if (lsb < 0) {
            throw new InvalidLayoutException("field " + name + ": lsb " + lsb + " is negative");
        }
        if (width < 1 || width > 64) {
            throw new InvalidLayoutException("field " + name + ": width " + width + " is not 1 to 64 bits");
        }
        if (lsb + width > 64) {
            throw new InvalidLayoutException("field " + name + " (bits " + lsb + ".." + (lsb + width - 1)
                    + ") reaches past bit 63");
        }
        long m = width == 64 ? -1L : (1L << width) - 1;
        for (Map.Entry<Long, String> e : valueNames.entrySet()) {
            if ((e.getKey() & ~m) != 0) {
                throw new InvalidLayoutException("field " + name + ": value " + e.getKey() + " (" + e.getValue()
                        + ") does not fit in " + width + " bits");
            }
        }
        valueNames = java.util.Collections.unmodifiableMap(new TreeMap<>(valueNames));
    }

    /** {@return the field's mask in the register, that is {@code width} ones shifted to {@code lsb}} */
    public long mask() {
        return valueMask() << lsb;
    }

    /** {@return {@code width} ones in the low bits} */
    public long valueMask() {
        return width == 64 ? -1L : (1L << width) - 1;
    }

    /** {@return the bit after the field's most significant bit, {@code lsb + width}} */
    public int end() {
        return lsb + width;
    }

    /**
     * {@return the field's value in a register value}
     *
     * @param registerValue the whole register's value
     */
    public long extract(long registerValue) {
        return (registerValue >>> lsb) & valueMask();
    }

    /**
     * {@return {@code registerValue} with this field replaced by {@code value}}
     *
     * @param registerValue the whole register's value
     * @param value         the field's new value
     * @throws IllegalArgumentException if {@code value} does not fit in {@code width} bits
     */
    public long insert(long registerValue, long value) {
        return (registerValue & ~mask()) | place(value);
    }

    /**
     * {@return {@code value} shifted into the field's position, every other bit zero}
     *
     * @param value the field's value
     * @throws IllegalArgumentException if {@code value} does not fit in {@code width} bits
     */
    public long place(long value) {
        if ((value & ~valueMask()) != 0) {
            throw new IllegalArgumentException("field " + name + ": value 0x" + Long.toHexString(value)
                    + " does not fit in " + width + " bits");
        }
        return value << lsb;
    }

    /**
     * {@return the name of {@code value}, or {@code null} if it has none}
     *
     * @param value a value of this field
     */
    public String nameOf(long value) {
        return valueNames.get(value);
    }
}
