package dev.iomem.core.stubs;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.util.List;
import java.util.Objects;

/**
 * One machine-code routine for {@link StubPage#link(ExecutableStubs, List)}: its bytes and how to
 * call it.
 *
 * @param code       the instruction bytes, not empty; the array is copied
 * @param descriptor the C signature of the routine
 * @param options    the linker options of its downcall, for example
 *                   {@code Linker.Option.critical(true)}
 */
public record StubRoutine(byte[] code, FunctionDescriptor descriptor, List<Linker.Option> options) {

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException     if an argument or option is {@code null}
     * @throws IllegalArgumentException if {@code code} is empty
     */
    public StubRoutine {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(descriptor, "descriptor");
        if (code.length == 0) {
            throw new IllegalArgumentException("an empty routine");
        }
        code = code.clone();
        options = List.copyOf(options);
    }

    /** {@return a copy of the instruction bytes} */
    @Override
    public byte[] code() {
        return code.clone();
    }
}
