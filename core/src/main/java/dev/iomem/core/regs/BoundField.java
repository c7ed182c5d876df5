package dev.iomem.core.regs;

import dev.iomem.api.regs.FieldSpec;
import dev.iomem.api.regs.RegisterSpec;

/**
 * The one implementation of {@link Field}: a record, for C2's trust in its fields.
 *
 * @param register the handle the field was taken from, which {@link #register()} returns
 * @param bound    the register's general implementation, through which the field accesses it
 */
record BoundField(Register register, BoundRegister bound, FieldSpec spec, int lsb, long valueMask, long mask)
        implements Field {

    /** {@return the fields of {@code spec}, each reached from {@code handle} and accessed through {@code bound}} */
    static BoundField[] of(Register handle, BoundRegister bound, RegisterSpec spec) {
        BoundField[] fs = new BoundField[spec.fields().size()];
        for (int i = 0; i < fs.length; i++) {
            FieldSpec f = spec.fields().get(i);
            fs[i] = new BoundField(handle, bound, f, f.lsb(), f.valueMask(), f.mask());
        }
        return fs;
    }

    /**
     * {@return the field called {@code name} among {@code fields}}
     *
     * @throws IllegalArgumentException if none is, naming those of {@code spec}
     */
    static Field named(BoundField[] fields, RegisterSpec spec, String name) {
        for (BoundField f : fields) {
            if (f.spec().name().equals(name)) {
                return f;
            }
        }
        spec.field(name); // throws with the list of fields
        throw new IllegalArgumentException(name);
    }

    @Override
    public long get() {
        return (bound.read() >>> lsb) & valueMask;
    }

    @Override
    public void set(long value) {
        bound.write(place(value));
    }

    @Override
    public void update(long value) {
        bound.update(mask, place(value));
    }

    private long place(long value) {
        if ((value & ~valueMask) != 0) {
            throw new IllegalArgumentException("field " + bound.name() + "." + spec.name() + ": value 0x"
                    + Long.toHexString(value) + " does not fit in " + spec.width() + " bits");
        }
        return value << lsb;
    }

    @Override
    public long decode(long registerValue) {
        return (registerValue >>> lsb) & valueMask;
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
        return "Field[" + bound.name() + "." + spec.name() + " bits " + lsb + ".." + (lsb + spec.width() - 1) + "]";
    }
}
