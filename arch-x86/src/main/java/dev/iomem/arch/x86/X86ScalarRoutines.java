package dev.iomem.arch.x86;

import dev.iomem.core.access.NativeScalarRoutines;
import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.NativeExecutableStubs;
import dev.iomem.core.stubs.StubPage;
import dev.iomem.core.stubs.StubRoutine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The x86-64 scalars at an unaligned offset (x86 allows 2-, 4- and 8-byte accesses at any
 * alignment, also on UC memory) as six machine-code routines of one {@code mov} and a
 * {@code ret} each, called through critical downcalls ({@code Linker.Option.critical(false)}: no
 * thread-state transition; the window is always native memory).
 *
 * <p>Why native: without them an unaligned scalar is a plain VarHandle access of an unaligned
 * layout, which ends in {@code Unsafe.putIntUnaligned}/{@code getIntUnaligned}; C2 intrinsifies
 * those to one {@code mov}, but the interpreter and C1 run their Java code, which splits the
 * access into byte or short parts ({@code jdk/internal/misc/Unsafe.java}: {@code putIntParts},
 * {@code makeInt}). A device would see two or four accesses for one register. The routine is
 * the same single instruction at every tier.
 *
 * <p>Arguments follow the SysV ABI: {@code rdi} = window, {@code rsi} = offset, {@code rdx} =
 * the value to store; a load returns in {@code eax}/{@code rax} (the 2-byte load zero-extended
 * into {@code eax}, so no subword return value crosses the ABI). The listings are the source,
 * in the form of {@link X86CopyRoutines}'s: each line is the instruction's bytes as GNU
 * {@code as} 2.40 assembled them from the AT&amp;T text after the bar, as {@code objdump}
 * prints it. {@code X86ScalarRoutinesTest} checks that objdump reads the bytes as the listing and
 * runs them on RAM; {@code ExecutedAccessesTest} checks the instruction that touches the memory
 * at every tier.
 */
final class X86ScalarRoutines implements NativeScalarRoutines {

    /** The only instance; hand it out only when {@link #isAvailable()}. */
    static final X86ScalarRoutines INSTANCE = new X86ScalarRoutines();

    /** {@code unsigned load16(const void *io, long off)}. */
    static final List<String> LOAD16_LISTING = List.of(
            "0f b7 04 37         | movzwl (%rdi,%rsi,1),%eax",         // DEVICE load 2
            "c3                  | ret");
    /** {@code unsigned load32(const void *io, long off)}. */
    static final List<String> LOAD32_LISTING = List.of(
            "8b 04 37            | mov    (%rdi,%rsi,1),%eax",         // DEVICE load 4
            "c3                  | ret");
    /** {@code unsigned long load64(const void *io, long off)}. */
    static final List<String> LOAD64_LISTING = List.of(
            "48 8b 04 37         | mov    (%rdi,%rsi,1),%rax",         // DEVICE load 8
            "c3                  | ret");
    /** {@code void store16(void *io, long off, short v)}. */
    static final List<String> STORE16_LISTING = List.of(
            "66 89 14 37         | mov    %dx,(%rdi,%rsi,1)",          // DEVICE store 2
            "c3                  | ret");
    /** {@code void store32(void *io, long off, int v)}. */
    static final List<String> STORE32_LISTING = List.of(
            "89 14 37            | mov    %edx,(%rdi,%rsi,1)",         // DEVICE store 4
            "c3                  | ret");
    /** {@code void store64(void *io, long off, long v)}. */
    static final List<String> STORE64_LISTING = List.of(
            "48 89 14 37         | mov    %rdx,(%rdi,%rsi,1)",         // DEVICE store 8
            "c3                  | ret");

    /** Every listing, in the order {@link #link} links them. */
    static final List<List<String>> LISTINGS = List.of(LOAD16_LISTING, LOAD32_LISTING, LOAD64_LISTING,
            STORE16_LISTING, STORE32_LISTING, STORE64_LISTING);

    private static final FunctionDescriptor LOAD_INT = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static final FunctionDescriptor LOAD_LONG = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static final FunctionDescriptor STORE_SHORT = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_SHORT);
    private static final FunctionDescriptor STORE_INT = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static final FunctionDescriptor STORE_LONG = FunctionDescriptor.ofVoid(
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    private X86ScalarRoutines() {
    }

    /** The linked routines, made on first use; static final handles, which C2 can inline. */
    private static final class Linked {
        static final MethodHandle LOAD16;
        static final MethodHandle LOAD32;
        static final MethodHandle LOAD64;
        static final MethodHandle STORE16;
        static final MethodHandle STORE32;
        static final MethodHandle STORE64;
        /** Why the routines are unavailable, or {@code null}. */
        static final String CAUSE;

        static {
            X86RoutineLinking linked = X86RoutineLinking.attempt(() -> link(new NativeExecutableStubs()));
            LOAD16 = linked.handle(0);
            LOAD32 = linked.handle(1);
            LOAD64 = linked.handle(2);
            STORE16 = linked.handle(3);
            STORE32 = linked.handle(4);
            STORE64 = linked.handle(5);
            CAUSE = linked.cause();
        }
    }

    /**
     * Writes the six routines into an executable page and links them.
     *
     * @param stubs the native operations
     * @return the handles of load16, load32, load64, store16, store32 and store64
     * @throws IllegalStateException if this is not an x86-64 JVM, native access is not enabled for
     *                               dev.iomem.core, or the page could not be made executable (W^X)
     */
    static List<MethodHandle> link(ExecutableStubs stubs) {
        X86RoutineLinking.requireLinkable();
        List<Linker.Option> critical = List.of(Linker.Option.critical(false));
        List<FunctionDescriptor> descriptors = List.of(LOAD_INT, LOAD_INT, LOAD_LONG, STORE_SHORT, STORE_INT, STORE_LONG);
        List<StubRoutine> routines = new ArrayList<>();
        for (int i = 0; i < LISTINGS.size(); i++) {
            routines.add(new StubRoutine(X86CopyRoutines.bytesOf(LISTINGS.get(i)), descriptors.get(i), critical));
        }
        return StubPage.link(stubs, routines);
    }

    /** {@return whether the routines are linked and usable: links them on first call} */
    static boolean isAvailable() {
        return Linked.CAUSE == null;
    }

    /** {@return why the routines are unavailable (W^X refusal, not x86-64, native access off), or {@code null}} */
    static String unavailabilityCause() {
        return Linked.CAUSE;
    }

    @Override
    public short load16(MemorySegment io, long offset) {
        try {
            return (short) (int) Linked.LOAD16.invokeExact(io, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 load16 routine failed", t);
        }
    }

    @Override
    public int load32(MemorySegment io, long offset) {
        try {
            return (int) Linked.LOAD32.invokeExact(io, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 load32 routine failed", t);
        }
    }

    @Override
    public long load64(MemorySegment io, long offset) {
        try {
            return (long) Linked.LOAD64.invokeExact(io, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 load64 routine failed", t);
        }
    }

    @Override
    public void store16(MemorySegment io, long offset, short value) {
        try {
            Linked.STORE16.invokeExact(io, offset, value);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 store16 routine failed", t);
        }
    }

    @Override
    public void store32(MemorySegment io, long offset, int value) {
        try {
            Linked.STORE32.invokeExact(io, offset, value);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 store32 routine failed", t);
        }
    }

    @Override
    public void store64(MemorySegment io, long offset, long value) {
        try {
            Linked.STORE64.invokeExact(io, offset, value);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the x86-64 store64 routine failed", t);
        }
    }

    @Override
    public String toString() {
        return "x86-64 native scalar routines (one mov of 2, 4 or 8 bytes at any alignment)";
    }
}
