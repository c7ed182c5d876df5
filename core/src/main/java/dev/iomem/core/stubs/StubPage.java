package dev.iomem.core.stubs;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Objects;

/**
 * One page of machine-code stubs, each a barrier instruction and a return, linked as
 * {@code ()void} downcalls: the mechanism a backend uses for ordering instructions the JVM cannot
 * emit (arm64 {@code dmb osh*}, RISC-V {@code fence i,ir}); or of routines with arguments
 * ({@link StubRoutine}: the x86-64 copy routines). The page is written while only
 * writable, then made read+execute (never both), then the instruction cache is synchronised, and
 * only then is anything linked; if any step fails the page is unmapped and nothing is linked.
 */
public final class StubPage {

    /** The length of the mapping: one page, the smallest mapping there is. */
    public static final long BYTES = 4096;

    /** Where routines of {@link #link(ExecutableStubs, List)} start: multiples of a cache line. */
    public static final long ROUTINE_ALIGNMENT = 64;

    private StubPage() {
    }

    /**
     * Writes the stubs back to back from offset 0 of a fresh page and links a downcall to each.
     *
     * @param stubs the native operations
     * @param code  each stub's bytes, in order; together at most {@link #BYTES}
     * @return one {@code ()void} handle per stub, in the same order
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if there is no stub, a stub is empty, or they do not fit
     * @throws IllegalStateException    if the mapping, its protection change or the
     *                                  instruction-cache synchronisation was refused
     */
    public static MethodHandle[] link(ExecutableStubs stubs, byte[]... code) {
        Objects.requireNonNull(stubs, "stubs");
        if (code.length == 0) {
            throw new IllegalArgumentException("no stub to link");
        }
        long total = 0;
        for (byte[] c : code) {
            if (Objects.requireNonNull(c, "stub").length == 0) {
                throw new IllegalArgumentException("an empty stub");
            }
            total += c.length;
        }
        if (total > BYTES) {
            throw new IllegalArgumentException(total + " bytes of stubs do not fit in one page");
        }
        long[] at = new long[code.length];
        for (int i = 1; i < code.length; i++) {
            at[i] = at[i - 1] + code[i - 1].length;
        }
        return write(stubs, code, at, (page, i) -> stubs.link(page.asSlice(at[i], code[i].length)));
    }

    /**
     * Writes routines into a fresh page, each at a multiple of {@link #ROUTINE_ALIGNMENT} (a
     * cache line: the entry and the first loop are not split across fetch blocks needlessly),
     * and links a downcall to each with its own descriptor and options. The gaps are the
     * mapping's zeros, never executed: every routine ends in its return.
     *
     * @param stubs    the native operations
     * @param routines the routines, in order; together, with their alignment, at most {@link #BYTES}
     * @return one handle per routine, in the same order
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if there is no routine or they do not fit
     * @throws IllegalStateException    if the mapping, its protection change or the
     *                                  instruction-cache synchronisation was refused
     */
    public static List<MethodHandle> link(ExecutableStubs stubs, List<StubRoutine> routines) {
        Objects.requireNonNull(stubs, "stubs");
        if (routines.isEmpty()) {
            throw new IllegalArgumentException("no routine to link");
        }
        byte[][] code = new byte[routines.size()][];
        long[] at = new long[code.length];
        long next = 0;
        for (int i = 0; i < code.length; i++) {
            code[i] = routines.get(i).code();
            at[i] = next;
            next = (next + code[i].length + ROUTINE_ALIGNMENT - 1) & -ROUTINE_ALIGNMENT;
        }
        if (at[code.length - 1] + code[code.length - 1].length > BYTES) {
            throw new IllegalArgumentException(routines.size() + " routines do not fit in one page");
        }
        MethodHandle[] handles = write(stubs, code, at, (page, i) -> {
            StubRoutine r = routines.get(i);
            return stubs.link(page.asSlice(at[i], code[i].length), r.descriptor(),
                    r.options().toArray(Linker.Option[]::new));
        });
        return List.of(handles);
    }

    /** Links the {@code i}-th piece of code in an executable page. */
    @FunctionalInterface
    private interface Linking {
        MethodHandle link(MemorySegment page, int i);
    }

    private static MethodHandle[] write(ExecutableStubs stubs, byte[][] code, long[] at, Linking linking) {
        MemorySegment page = stubs.mapWritable(BYTES);
        try {
            for (int i = 0; i < code.length; i++) {
                // The page is ordinary anonymous RAM here, so a bulk copy is fine.
                MemorySegment.copy(MemorySegment.ofArray(code[i]), 0, page, at[i], code[i].length);
            }
            stubs.makeExecutable(page);
            stubs.synchronizeInstructionCache(page);
            MethodHandle[] handles = new MethodHandle[code.length];
            for (int i = 0; i < code.length; i++) {
                handles[i] = linking.link(page, i);
            }
            return handles;
        } catch (RuntimeException e) {
            stubs.unmap(page);
            throw e;
        }
    }

    /**
     * Runs a stub linked by {@link #link}.
     *
     * @param stub        the {@code ()void} handle
     * @param description what the stub is, for the message of a failure
     * @throws IllegalStateException if the downcall failed
     */
    public static void run(MethodHandle stub, String description) {
        try {
            stub.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(description + " failed", t);
        }
    }
}
