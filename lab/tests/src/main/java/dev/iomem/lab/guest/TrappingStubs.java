package dev.iomem.lab.guest;

import dev.iomem.core.stubs.ExecutableStubs;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Makes stubs as the real {@link ExecutableStubs} does, but overwrites every instruction of the
 * page with {@code udf #0} (permanently undefined, encoding 0x00000000 in the Arm ARM, C6.2.387)
 * just before the page becomes executable. An accessor whose barriers run through such stubs
 * dies of SIGILL at its first ordered access: the proof that the real stubs execute.
 */
final class TrappingStubs implements ExecutableStubs {

    private final ExecutableStubs real;

    TrappingStubs(ExecutableStubs real) {
        this.real = real;
    }

    @Override
    public MemorySegment mapWritable(long bytes) {
        return real.mapWritable(bytes);
    }

    @Override
    public void makeExecutable(MemorySegment code) {
        for (long at = 0; at + 4 <= code.byteSize(); at += 4) {
            code.set(ValueLayout.JAVA_INT_UNALIGNED, at, 0); // udf #0
        }
        real.makeExecutable(code);
    }

    @Override
    public void unmap(MemorySegment code) {
        real.unmap(code);
    }

    @Override
    public MethodHandle link(MemorySegment entry) {
        return real.link(entry);
    }

    @Override
    public MethodHandle link(MemorySegment entry, FunctionDescriptor descriptor, Linker.Option... options) {
        return real.link(entry, descriptor, options);
    }

    @Override
    public void synchronizeInstructionCache(MemorySegment code) {
        real.synchronizeInstructionCache(code);
    }
}
