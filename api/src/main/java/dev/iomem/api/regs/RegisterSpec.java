package dev.iomem.api.regs;

import dev.iomem.api.Width;

import java.util.List;
import java.util.Objects;

/**
 * One declared register, or an array of {@code count} registers of the same shape at a stride
 * (for example NVMe's doorbells). Created by {@link RegisterLayout.Builder}, which validates it.
 *
 * @param name   the register's name, unique within its layout
 * @param offset the byte offset of the register (of element 0 for an array) in the window
 * @param width  the register's width; every access to it has exactly this width
 * @param access what reads and writes do
 * @param fields the named bit fields, in declaration order, non-overlapping and inside the register
 * @param count  1 for a single register, the number of elements (at least 1) for an array
 * @param stride 0 for a single register, the byte distance between elements of an array (at
 *               least the width)
 */
public record RegisterSpec(String name, long offset, Width width, AccessKind access,
                           List<FieldSpec> fields, int count, long stride) {

    /**
     * Copies the field list and checks the components.
     *
     * @throws NullPointerException   if a reference component is {@code null}
     * @throws InvalidLayoutException if {@code offset < 0}, {@code count < 1}, {@code stride < 0},
     *                                {@code count > 1} with {@code stride == 0}, or a non-zero stride
     *                                smaller than the width, or a last byte beyond 2^63
     */
    public RegisterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(width, "width");
        Objects.requireNonNull(access, "access");
        fields = List.copyOf(fields);
        if (stride < 0) {
            throw new InvalidLayoutException("register " + name + ": stride " + stride + " is negative");
        }
        if (offset < 0) {
            throw new InvalidLayoutException("register " + name + ": offset " + offset + " is negative");
        }
        if (count < 1) {
            throw new InvalidLayoutException("register " + name + ": an array needs at least one element, got " + count);
        }
        if (count > 1 && stride == 0) {
            throw new InvalidLayoutException("register " + name + ": " + count + " registers need a stride");
        }
        if (stride != 0 && stride < width.bytes()) {
            throw new InvalidLayoutException("register array " + name + ": stride " + stride
                    + " is smaller than its width of " + width.bytes() + " bytes, so its elements overlap");
        }
        try {
            Math.addExact(offset, Math.addExact(Math.multiplyExact((long) count - 1, stride), width.bytes()));
        } catch (ArithmeticException e) {
            throw new InvalidLayoutException("register " + name + ": its last byte lies beyond 2^63");
        }
    }

    /** {@return whether this is an array (declared with a non-zero stride, even of one element)} */
    public boolean isArray() {
        return stride != 0;
    }

    /**
     * {@return the byte offset of element {@code index}}
     *
     * @param index from 0 to {@code count - 1}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, count)}
     */
    public long offsetOf(int index) {
        Objects.checkIndex(index, count);
        return offset + index * stride;
    }

    /** {@return the byte just past the last element, {@code offset + (count - 1) * stride + width}} */
    public long end() {
        return offset + (count - 1) * stride + width.bytes();
    }

    /**
     * {@return the field called {@code fieldName}}
     *
     * @param fieldName the field's name
     * @throws IllegalArgumentException if this register has no such field
     */
    public FieldSpec field(String fieldName) {
        for (FieldSpec f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("register " + name + " has no field " + fieldName
                + (fields.isEmpty() ? "" : "; its fields are " + fields.stream().map(FieldSpec::name).toList()));
    }
}
