package dev.iomem.core.regs;

import dev.iomem.api.regs.FieldSpec;

/** The one implementation of {@link Field}: a record, for C2's trust in its fields. */
record BoundField(BoundRegister register, FieldSpec spec, int lsb, long valueMask, long mask) implements Field {

    @Override
    public long get() {
        return (register.read() >>> lsb) & valueMask;
    }

    @Override
    public void set(long value) {
        register.write(place(value));
    }

    @Override
    public void update(long value) {
        register.update(mask, place(value));
    }

    private long place(long value) {
        if ((value & ~valueMask) != 0) {
            throw new IllegalArgumentException("field " + register.name() + "." + spec.name() + ": value 0x"
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
        return "Field[" + register.name() + "." + spec.name() + " bits " + lsb + ".." + (lsb + spec.width() - 1) + "]";
    }
}
