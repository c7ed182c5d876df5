package dev.iomem.core.regs;

import dev.iomem.api.regs.RegisterSpec;

import java.util.Objects;

/**
 * The handles of a bound register array, one per element, created once at bind time.
 */
public final class RegisterArray {

    private final RegisterSpec spec;
    private final Register[] elements;

    RegisterArray(RegisterSpec spec, Register[] elements) {
        this.spec = spec;
        this.elements = elements;
    }

    /** {@return the array's declaration} */
    public RegisterSpec spec() {
        return spec;
    }

    /** {@return the number of elements} */
    public int count() {
        return elements.length;
    }

    /**
     * {@return the handle of element {@code index}}
     *
     * @param index from 0 to {@code count() - 1}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, count())}
     */
    public Register get(int index) {
        return elements[Objects.checkIndex(index, elements.length)];
    }

    @Override
    public String toString() {
        return "RegisterArray[" + spec.name() + ", " + elements.length + " x " + spec.width().bits()
                + " bits at 0x" + Long.toHexString(spec.offset()) + " stride " + spec.stride() + "]";
    }
}
