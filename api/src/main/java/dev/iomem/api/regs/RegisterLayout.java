package dev.iomem.api.regs;

import dev.iomem.api.Width;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A device's registers, declared once: names, offsets, widths, access kinds, bit fields and
 * register arrays. A layout is immutable and independent of any window; binding it to a window
 * ({@code dev.iomem.core.regs.RegisterBlock.bind}) checks it against the window's size and rules
 * and yields register handles.
 *
 * <pre>{@code
 * RegisterLayout layout = RegisterLayout.builder("example")
 *         .register("ID", 0x00, 32, AccessKind.READ_ONLY)
 *         .register("CTRL", 0x04, 32, AccessKind.READ_WRITE, f -> f
 *                 .flag("EN", 0)
 *                 .field("MODE", 4, 2, Map.of(0L, "off", 1L, "slow", 2L, "fast")))
 *         .array("DB", 0x1000, 32, AccessKind.WRITE_ONLY, 4, 8)
 *         .build();
 * }</pre>
 *
 * <p>Every mistake is refused with an {@link InvalidLayoutException} when it is declared: a field
 * that overlaps another field of its register, a field wider than its register (or reaching past
 * it), two registers (or array elements) that share a byte, a duplicate register or field name.
 */
public final class RegisterLayout {

    private final String name;
    private final List<RegisterSpec> registers;
    private final Map<String, RegisterSpec> byName;

    private RegisterLayout(String name, List<RegisterSpec> registers) {
        this.name = name;
        this.registers = List.copyOf(registers);
        Map<String, RegisterSpec> m = new LinkedHashMap<>();
        for (RegisterSpec r : this.registers) {
            m.put(r.name(), r);
        }
        this.byName = m;
    }

    /**
     * {@return a builder for a layout called {@code name}}
     *
     * @param name the layout's name, for messages and dumps (for example {@code "nvme"})
     * @throws NullPointerException   if {@code name} is {@code null}
     * @throws InvalidLayoutException if {@code name} is blank
     */
    public static Builder builder(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new InvalidLayoutException("a layout needs a name");
        }
        return new Builder(name);
    }

    /** {@return the layout's name} */
    public String name() {
        return name;
    }

    /** {@return the registers, in declaration order} */
    public List<RegisterSpec> registers() {
        return registers;
    }

    /**
     * {@return the register or register array called {@code registerName}}
     *
     * @param registerName the register's name
     * @throws IllegalArgumentException if the layout has no such register
     */
    public RegisterSpec register(String registerName) {
        RegisterSpec r = byName.get(registerName);
        if (r == null) {
            throw new IllegalArgumentException("layout " + name + " has no register " + registerName
                    + "; its registers are " + byName.keySet());
        }
        return r;
    }

    /** {@return the smallest window size that holds every register: the largest end offset} */
    public long extent() {
        long e = 0;
        for (RegisterSpec r : registers) {
            e = Math.max(e, r.end());
        }
        return e;
    }

    @Override
    public String toString() {
        return "RegisterLayout[" + name + ", " + registers.size() + " registers]";
    }

    /**
     * Declares the bit fields of one register. Each call is checked at once against the register
     * and against the fields declared before it.
     */
    public static final class Fields {
        private final String where;
        private final int registerBits;
        private final List<FieldSpec> fields = new ArrayList<>();

        private Fields(String where, int registerBits) {
            this.where = where;
            this.registerBits = registerBits;
        }

        /**
         * Declares a field without value names.
         *
         * @param name  the field's name
         * @param lsb   its least significant bit
         * @param width its number of bits
         * @return this
         * @throws NullPointerException   if {@code name} is {@code null}
         * @throws InvalidLayoutException if the field is wider than the register, reaches past its
         *                                last bit, overlaps a field declared before it, repeats a
         *                                field name, or is otherwise malformed (see {@link FieldSpec})
         */
        public Fields field(String name, int lsb, int width) {
            return field(name, lsb, width, Map.of());
        }

        /**
         * Declares a one-bit field.
         *
         * @param name the field's name
         * @param bit  its bit number
         * @return this
         * @throws NullPointerException   if {@code name} is {@code null}
         * @throws InvalidLayoutException under the conditions of {@link #field(String, int, int)}
         */
        public Fields flag(String name, int bit) {
            return field(name, bit, 1, Map.of());
        }

        /**
         * Declares a field whose values have names, for dumps.
         *
         * @param name       the field's name
         * @param lsb        its least significant bit
         * @param width      its number of bits
         * @param valueNames names of particular values
         * @return this
         * @throws NullPointerException   if {@code name} or {@code valueNames} is {@code null}
         * @throws InvalidLayoutException under the conditions of {@link #field(String, int, int)}, or
         *                                if a named value does not fit in {@code width} bits
         */
        public Fields field(String name, int lsb, int width, Map<Long, String> valueNames) {
            Objects.requireNonNull(name, "name");
            if (width > registerBits) {
                throw new InvalidLayoutException(where + ": field " + name + " is " + width
                        + " bits wide, wider than its " + registerBits + "-bit register");
            }
            if (lsb >= 0 && width >= 1 && lsb + width > registerBits) {
                throw new InvalidLayoutException(where + ": field " + name + " (bits " + lsb + ".." + (lsb + width - 1)
                        + ") reaches past bit " + (registerBits - 1) + " of its " + registerBits + "-bit register");
            }
            FieldSpec f;
            try {
                f = new FieldSpec(name, lsb, width, valueNames);
            } catch (InvalidLayoutException e) {
                throw new InvalidLayoutException(where + ": " + e.getMessage());
            }
            for (FieldSpec o : fields) {
                if (o.name().equals(name)) {
                    throw new InvalidLayoutException(where + ": field " + name + " is declared twice");
                }
                if (f.lsb() < o.end() && o.lsb() < f.end()) {
                    throw new InvalidLayoutException(where + ": field " + name + " (bits " + f.lsb() + ".." + (f.end() - 1)
                            + ") overlaps field " + o.name() + " (bits " + o.lsb() + ".." + (o.end() - 1) + ")");
                }
            }
            fields.add(f);
            return this;
        }

        /**
         * Declares a field whose values are the constants of an enum: the constant with ordinal
         * {@code n} names the value {@code n}.
         *
         * @param name   the field's name
         * @param lsb    its least significant bit
         * @param width  its number of bits
         * @param values the enum whose constants, in declaration order, name the values 0, 1, 2, ...
         * @return this
         * @throws NullPointerException   if {@code name} or {@code values} is {@code null}
         * @throws InvalidLayoutException under the conditions of {@link #field(String, int, int)}, or
         *                                if the enum has more constants than {@code width} bits hold
         */
        public Fields field(String name, int lsb, int width, Class<? extends Enum<?>> values) {
            Objects.requireNonNull(values, "values");
            Map<Long, String> names = new LinkedHashMap<>();
            for (Enum<?> e : values.getEnumConstants()) {
                names.put((long) e.ordinal(), e.name());
            }
            return field(name, lsb, width, names);
        }
    }

    /** Builds a {@link RegisterLayout}; each register is checked as it is declared. */
    public static final class Builder {
        private final String name;
        private final List<RegisterSpec> registers = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Declares a register without fields.
         *
         * @param registerName the register's name
         * @param offset       its byte offset
         * @param bits         its width: 8, 16, 32 or 64
         * @param access       what reads and writes do
         * @return this
         * @throws NullPointerException   if {@code registerName} or {@code access} is {@code null}
         * @throws InvalidLayoutException if the name is blank or already declared, {@code bits} is
         *                                not 8, 16, 32 or 64, the offset is negative, or the register
         *                                shares a byte with one declared before it
         */
        public Builder register(String registerName, long offset, int bits, AccessKind access) {
            return declare(registerName, offset, bits, access, 1, 0, f -> { });
        }

        /**
         * Declares a register with fields.
         *
         * @param registerName the register's name
         * @param offset       its byte offset
         * @param bits         its width: 8, 16, 32 or 64
         * @param access       what reads and writes do
         * @param fields       declares the register's fields
         * @return this
         * @throws NullPointerException   if an argument is {@code null}
         * @throws InvalidLayoutException under the conditions of
         *                                {@link #register(String, long, int, AccessKind)}, or if a
         *                                field is refused (see {@link Fields})
         */
        public Builder register(String registerName, long offset, int bits, AccessKind access, Consumer<Fields> fields) {
            return declare(registerName, offset, bits, access, 1, 0, fields);
        }

        /**
         * Declares an array of {@code count} registers without fields, element {@code i} at
         * {@code offset + i * stride}.
         *
         * @param registerName the array's name
         * @param offset       the byte offset of element 0
         * @param bits         the width of each element: 8, 16, 32 or 64
         * @param access       what reads and writes do
         * @param count        the number of elements, at least 1
         * @param stride       the byte distance between elements, at least the width
         * @return this
         * @throws NullPointerException   if {@code registerName} or {@code access} is {@code null}
         * @throws InvalidLayoutException under the conditions of
         *                                {@link #register(String, long, int, AccessKind)}, or if
         *                                {@code count < 1}, the stride is smaller than the width (or
         *                                zero), or
         *                                an element shares a byte with a register declared before
         */
        public Builder array(String registerName, long offset, int bits, AccessKind access, int count, long stride) {
            return array(registerName, offset, bits, access, count, stride, f -> { });
        }

        /**
         * Declares an array of registers with fields.
         *
         * @param registerName the array's name
         * @param offset       the byte offset of element 0
         * @param bits         the width of each element: 8, 16, 32 or 64
         * @param access       what reads and writes do
         * @param count        the number of elements, at least 1
         * @param stride       the byte distance between elements
         * @param fields       declares the fields every element has
         * @return this
         * @throws NullPointerException   if an argument is {@code null}
         * @throws InvalidLayoutException under the conditions of
         *                                {@link #array(String, long, int, AccessKind, int, long)}, or
         *                                if a field is refused (see {@link Fields})
         */
        public Builder array(String registerName, long offset, int bits, AccessKind access, int count, long stride,
                             Consumer<Fields> fields) {
            Objects.requireNonNull(registerName, "registerName");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(fields, "fields");
            if (stride <= 0) {
                throw new InvalidLayoutException("layout " + name + ": register array " + registerName
                        + " needs a positive stride, got " + stride);
            }
            return declare(registerName, offset, bits, access, count, stride, fields);
        }

        private Builder declare(String registerName, long offset, int bits, AccessKind access, int count, long stride,
                                Consumer<Fields> fields) {
            Objects.requireNonNull(registerName, "registerName");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(fields, "fields");
            String where = "layout " + name + ": register " + registerName;
            if (registerName.isBlank()) {
                throw new InvalidLayoutException("layout " + name + ": a register needs a name");
            }
            Width width;
            try {
                width = Width.ofBits(bits);
            } catch (IllegalArgumentException e) {
                throw new InvalidLayoutException(where + ": width must be 8, 16, 32 or 64 bits, got " + bits);
            }
            for (RegisterSpec r : registers) {
                if (r.name().equals(registerName)) {
                    throw new InvalidLayoutException(where + " is declared twice");
                }
            }
            Fields f = new Fields(where, bits);
            fields.accept(f);
            RegisterSpec spec;
            try {
                spec = new RegisterSpec(registerName, offset, width, access, f.fields, count, stride);
            } catch (InvalidLayoutException e) {
                throw new InvalidLayoutException("layout " + name + ": " + e.getMessage());
            }
            for (RegisterSpec r : registers) {
                String clash = overlap(r, spec);
                if (clash != null) {
                    throw new InvalidLayoutException("layout " + name + ": " + clash);
                }
            }
            registers.add(spec);
            return this;
        }

        /**
         * {@return the layout}
         *
         * @throws InvalidLayoutException if no register was declared
         */
        public RegisterLayout build() {
            if (registers.isEmpty()) {
                throw new InvalidLayoutException("layout " + name + " declares no register");
            }
            return new RegisterLayout(name, registers);
        }

        /** The first byte two registers (or their elements) share, described, or null. */
        private static String overlap(RegisterSpec a, RegisterSpec b) {
            if (a.end() <= b.offset() || b.end() <= a.offset()) {
                return null;
            }
            // Arrays may interleave (NVMe's SQ tail and CQ head doorbells); compare elements, the
            // smaller array against the other's elements found by arithmetic.
            RegisterSpec small = a.count() <= b.count() ? a : b;
            RegisterSpec big = small == a ? b : a;
            for (int i = 0; i < small.count(); i++) {
                long s = small.offsetOf(i);
                long e = s + small.width().bytes();
                int first = big.count() == 1 ? 0 : (int) Math.max(0, Math.min(big.count() - 1, (s - big.offset() - big.width().bytes()) / big.stride()));
                for (int j = first; j < big.count(); j++) {
                    long bs = big.offsetOf(j);
                    if (bs >= e) {
                        break;
                    }
                    if (bs + big.width().bytes() > s) {
                        // name the register being declared (b) first
                        return small == b ? range(b, i) + " overlaps " + range(a, j)
                                : range(b, j) + " overlaps " + range(a, i);
                    }
                }
            }
            return null;
        }

        private static String range(RegisterSpec r, int i) {
            long s = r.offsetOf(i);
            return label(r, i) + " [0x" + Long.toHexString(s) + ", 0x" + Long.toHexString(s + r.width().bytes()) + ")";
        }

        private static String label(RegisterSpec r, int i) {
            return "register " + r.name() + (r.isArray() ? "[" + i + "]" : "");
        }
    }
}
