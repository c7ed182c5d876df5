package dev.iomem.core.regs;

import dev.iomem.core.access.MappedBus;

import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * The class file from which {@link HiddenClassRegister} defines one hidden class per register.
 * Never loaded under its own name: each hidden class gets its own copy of the two constants, from
 * its class data ({@code List.of(register, window)}), so that C2 folds them into its accesses.
 */
final class HiddenClassRegisterTemplate extends HiddenClassRegister {

    private static final BoundRegister REGISTER;
    /** The register's own bytes of its accessor's relaxed-read window, aligned to its width. */
    private static final MemorySegment WINDOW;

    static {
        try {
            MethodHandles.Lookup self = MethodHandles.lookup();
            REGISTER = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, BoundRegister.class, 0);
            WINDOW = MethodHandles.classDataAt(self, ConstantDescs.DEFAULT_NAME, MemorySegment.class, 1);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HiddenClassRegisterTemplate(BoundRegister general) {
        super(general);
    }

    @Override
    public long readRelaxed() {
        try {
            // WINDOW is constant here, so are its size (the switch in relaxedLoad), bounds and alignment.
            return MappedBus.relaxedLoad(WINDOW, 0, (int) WINDOW.byteSize());
        } catch (IllegalStateException closed) {
            throw REGISTER.closedOnRelaxedRead();
        }
    }

    @Override
    public long read() {
        return REGISTER.read();
    }

    @Override
    public void write(long value) {
        REGISTER.write(value);
    }

    @Override
    public void writeRelaxed(long value) {
        REGISTER.writeRelaxed(value);
    }

    @Override
    public long update(long mask, long bits) {
        return REGISTER.update(mask, bits);
    }
}
