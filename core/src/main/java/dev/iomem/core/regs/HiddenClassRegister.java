package dev.iomem.core.regs;

import dev.iomem.api.regs.RegisterSpec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Objects;

/**
 * A register handle that is the only instance of a class of its own, whose constants are the
 * register and its bytes of the window: the handle given out for each single register that has a
 * relaxed-read window (see {@link RegisterBlock}).
 *
 * <p>Why a class per register: a handle in an instance field is not a constant to the JIT, so a
 * {@link BoundRegister} read loads the window from the handle and checks its bounds, alignment and
 * liveness on every access, exactly as a raw {@code VarHandle} read through any object does. The
 * type check that every interface call site makes anyway ("is this the class I have seen?") here
 * also proves which register it is: C2 inlines the class's method, whose window is a
 * {@code static final} constant, so its bounds and alignment fold away and only the liveness test
 * stays (a closed accessor still throws, never touching the device). A call site that sees many
 * registers (a helper taking a {@code Register}) pays an interface dispatch instead. The folding
 * rests on HotSpot's {@code ciField::is_constant}: static finals are constants, and so are the
 * final fields of a few JDK packages, {@code jdk.internal.foreign}'s segments among them
 * (OpenJDK's {@code jdk.internal.vm.annotation.TrustFinalFields} lists the rule); B7 in
 * {@code bench} checks that it holds.
 *
 * <p>Each class is defined from the bytes of {@link HiddenClassRegisterTemplate} with
 * {@link MethodHandles.Lookup#defineHiddenClassWithClassData}: not strongly linked to its loader,
 * so it is unloaded with its handle.
 */
abstract non-sealed class HiddenClassRegister implements Register {

    private static final System.Logger LOG = System.getLogger(HiddenClassRegister.class.getName());
    private static final MethodType CONSTRUCTOR = MethodType.methodType(void.class, BoundRegister.class);

    private final BoundRegister general;
    private final BoundField[] fields;

    /** @param general the register's general implementation, which every access but the relaxed read goes through */
    HiddenClassRegister(BoundRegister general) {
        this.general = general;
        this.fields = BoundField.of(this, general, general.spec());
    }

    /**
     * {@return a handle of its own class for {@code general}, whose relaxed reads read
     * {@code general}'s relaxed-read window; {@code general} itself if it has none or the class
     * cannot be defined}
     *
     * @param general a bound register
     */
    static Register of(BoundRegister general) {
        return of(general, Template.BYTES);
    }

    /**
     * {@link #of(BoundRegister)} with the template's class file given.
     *
     * @param template the class file to define the handle's class from; {@code null} if missing
     */
    static Register of(BoundRegister general, byte[] template) {
        MemorySegment window = general.relaxedWindow();
        if (window == null || template == null) {
            return general;
        }
        try {
            MethodHandles.Lookup defined = MethodHandles.lookup().defineHiddenClassWithClassData(template,
                    List.of(general, window), true);
            MethodHandle constructor = defined.findConstructor(defined.lookupClass(), CONSTRUCTOR);
            return (Register) constructor.invoke(general);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // A class file a repackaging tool rewrote, say: the general handle is correct, only
            // slower per access through an instance field.
            LOG.log(System.Logger.Level.DEBUG, "register " + general.name() + ": no class of its own", e);
            return general;
        }
    }

    /** The template's class file, read once; {@code null} if it is missing from the class path. */
    private static final class Template {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try (InputStream in = HiddenClassRegister.class.getResourceAsStream("HiddenClassRegisterTemplate.class")) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "register handles: no template class file", e);
                return null;
            }
        }
    }

    @Override
    public final String name() {
        return general.name();
    }

    @Override
    public final RegisterSpec spec() {
        return general.spec();
    }

    @Override
    public final long offset() {
        return general.offset();
    }

    @Override
    public final Field field(String fieldName) {
        return BoundField.named(fields, general.spec(), fieldName);
    }

    @Override
    public final boolean equals(Object o) {
        return this == o;
    }

    @Override
    public final int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public final String toString() {
        return Objects.toString(general);
    }
}
